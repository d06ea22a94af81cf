package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts the HTTP client's failures by what they prove about the request, which decides whether it may be retried.
 * Apache HttpClient 5 classes are recognised by name, so other SDK HTTP clients work too.
 */
@LatticeInternalApi
public final class Failures {
    /** What a transport failure proves. */
    public enum Kind {
        /** The request never left: connection refused, connect timeout, unknown host, TLS handshake failure. */
        NOTHING_SENT,
        /** The request may have reached the service: a reset, a read timeout, a connection closed early. */
        MAYBE_SENT,
        /** Retrying cannot help: an untrusted certificate, a host name that does not match it. */
        PERMANENT,
        /** The answer was not valid HTTP (for example garbage instead of a status line). */
        INVALID_RESPONSE
    }

    private Failures() {}

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

    /**
     * Classifies a transport failure.
     *
     * @param e the I/O failure
     * @return what it proves
     */
    public static Kind classify(IOException e) {
        if (e instanceof SSLPeerUnverifiedException || causedBy(e, CertificateException.class)) {
            return Kind.PERMANENT;
        }
        if (isA(e, "org.apache.hc.client5.http.ClientProtocolException")
                || isA(e, "org.apache.hc.core5.http.MessageConstraintException")) {
            return Kind.INVALID_RESPONSE;
        }
        if (e instanceof ConnectException
                || e instanceof NoRouteToHostException
                || e instanceof UnknownHostException
                || e instanceof SSLHandshakeException
                || isA(e, "org.apache.hc.client5.http.ConnectTimeoutException")
                || isA(e, "org.apache.http.conn.ConnectTimeoutException")
                // The JDK's own wording for Socket.connect timing out (UrlConnectionHttpClient).
                || e instanceof SocketTimeoutException
                        && String.valueOf(e.getMessage())
                                .toLowerCase(Locale.ROOT)
                                .startsWith("connect timed out")) {
            return Kind.NOTHING_SENT;
        }
        return Kind.MAYBE_SENT;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
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
