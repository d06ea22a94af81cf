package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeClientException.FailureKind;
import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts what an HTTP client threw into the library's {@link FailureKind}s, the same for Apache 5, URL connection,
 * Netty and CRT: classes of optional HTTP clients are recognised by name, anywhere in the cause chain. Also says what
 * the failure proves about the request, which decides whether it may be retried.
 */
@LatticeInternalApi
public final class Failures {
    private static final int MAX_DEPTH = 10;

    /** What a transport failure is and proves. */
    public static final class Failure {
        private final FailureKind kind;
        private final boolean nothingSent;
        private final boolean transientFailure;
        private final Throwable cause;

        Failure(FailureKind kind, boolean nothingSent, boolean transientFailure, Throwable cause) {
            this.kind = kind;
            this.nothingSent = nothingSent;
            this.transientFailure = transientFailure;
            this.cause = cause;
        }

        /** @return the kind */
        public FailureKind kind() {
            return kind;
        }

        /** @return whether the failure proves that the request never left (connection or handshake failure) */
        public boolean nothingSent() {
            return nothingSent;
        }

        /** @return whether sending again could succeed */
        public boolean transientFailure() {
            return transientFailure;
        }

        /** @return the failure to keep as the exception's cause: the I/O failure when there is one */
        public Throwable cause() {
            return cause;
        }
    }

    /** An answer that is not HTTP, found by the library itself (a status outside 100-599). */
    public static final class ProtocolViolation extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates it.
         *
         * @param message what is wrong, quoting nothing the server sent
         */
        public ProtocolViolation(String message) {
            super(message);
        }
    }

    private Failures() {}

    /**
     * Classifies what the HTTP client threw.
     *
     * @param e the failure, unwrapped from {@code CompletionException}
     * @return what it is
     */
    public static Failure classify(Throwable e) {
        if (e instanceof LatticeClientException) {
            LatticeClientException known = (LatticeClientException) e;
            return new Failure(known.failureKind(), false, known.retryable(), e);
        }
        IOException io = ioFailure(e);
        Throwable cause = io != null ? io : e;
        if (causedBy(e, CertificateException.class) || causedBy(e, SSLPeerUnverifiedException.class)) {
            return new Failure(FailureKind.TLS, true, false, cause);
        }
        if (causedBy(e, ProtocolViolation.class)
                || causedByName(e, "org.apache.hc.core5.http.ProtocolException")
                || causedByName(e, "org.apache.hc.client5.http.ClientProtocolException")
                || causedByName(e, "org.apache.hc.core5.http.MessageConstraintException")
                || causedByName(e, "org.apache.http.ProtocolException")
                || causedByName(e, "org.apache.http.client.ClientProtocolException")
                || causedByName(e, "io.netty.handler.codec.DecoderException")) {
            return new Failure(FailureKind.PROTOCOL, false, false, cause);
        }
        if (causedBy(e, SSLHandshakeException.class)) {
            return new Failure(FailureKind.TLS, true, true, cause);
        }
        if (isConnectFailure(e)
                // Netty's pool could not hand out a connection in time ("Acquire operation took longer ..."): the
                // SDK wraps the TimeoutException in a plain Throwable. Nothing was sent.
                || io == null && causedBy(e, java.util.concurrent.TimeoutException.class)) {
            return new Failure(FailureKind.CONNECT, true, true, cause);
        }
        if (causedBy(e, SocketTimeoutException.class)
                || causedByName(e, "io.netty.handler.timeout.ReadTimeoutException")
                || causedByName(e, "io.netty.handler.timeout.WriteTimeoutException")) {
            return new Failure(FailureKind.TIMEOUT, false, true, cause);
        }
        if (causedBy(e, SSLException.class)) {
            return new Failure(FailureKind.TLS, false, true, cause);
        }
        if (io != null) {
            return new Failure(FailureKind.IO, false, true, cause);
        }
        // A closed pool, a bad configuration or a bug is not a connection failure: retrying would hide it.
        return new Failure(FailureKind.CLIENT, false, false, cause);
    }

    private static boolean isConnectFailure(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < MAX_DEPTH; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException
                    || isA(t, "org.apache.hc.client5.http.ConnectTimeoutException")
                    || isA(t, "org.apache.http.conn.ConnectTimeoutException")
                    || isA(t, "io.netty.channel.ConnectTimeoutException")
                    // The JDK's own wording for Socket.connect timing out (UrlConnectionHttpClient).
                    || t instanceof SocketTimeoutException
                            && String.valueOf(t.getMessage())
                                    .toLowerCase(Locale.ROOT)
                                    .startsWith("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the I/O failure behind a transport error: an {@link IOException}, the cause of an
     * {@link UncheckedIOException}, or the SDK's {@link SdkClientException} wrapping one.
     *
     * @param e what the HTTP client threw
     * @return the I/O failure, or {@code null} when {@code e} is not one (a closed pool, a bug)
     */
    public static IOException ioFailure(Throwable e) {
        if (e instanceof IOException) {
            return (IOException) e;
        }
        if (e instanceof UncheckedIOException) {
            return ((UncheckedIOException) e).getCause();
        }
        if (e instanceof SdkClientException && e.getCause() instanceof IOException) {
            return (IOException) e.getCause();
        }
        return null;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < MAX_DEPTH; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedByName(Throwable e, String className) {
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < MAX_DEPTH; t = t.getCause()) {
            if (isA(t, className)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isA(Throwable e, String className) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
