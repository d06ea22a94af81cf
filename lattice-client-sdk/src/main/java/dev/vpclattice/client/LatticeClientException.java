package dev.vpclattice.client;

import java.util.Objects;

/**
 * A call produced no usable answer; {@link #failureKind()} says why, the same for every HTTP client, and the cause
 * keeps the underlying failure.
 */
public class LatticeClientException extends LatticeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure ended the call; the same for every HTTP client. */
    public enum FailureKind {
        /**
         * No connection could be had: refused, unreachable, unknown host, connect timeout, or none free in the HTTP
         * client's pool in time. Nothing was sent.
         */
        CONNECT,
        /** The TLS handshake failed: an untrusted certificate, a host name the certificate does not name, no common protocol. */
        TLS,
        /** A read timed out waiting for the answer, or the call timeout expired. */
        TIMEOUT,
        /** The connection broke during the exchange (reset, closed early, broken pipe): the request may have arrived. */
        IO,
        /** The answer was not valid HTTP: a malformed status line, a status outside 100-599, malformed headers. */
        PROTOCOL,
        /** The AWS credentials to sign the request could not be resolved. Nothing was sent. */
        CREDENTIALS,
        /**
         * This library refused or failed the call around the exchange: a closed client, a request without url, a body
         * that cannot be serialized or read, a response body over {@code maxResponseBodySize}, or one that
         * {@link LatticeResponse#bodyAs(Class)} cannot map.
         */
        CLIENT
    }

    private final int attempts;
    private final FailureKind failureKind;
    private final boolean retryable;

    /**
     * Creates the exception, of kind {@link FailureKind#CLIENT}, not retryable.
     *
     * @param message what failed, naming the request (method and URL without query) but no secret
     * @param cause the underlying failure, may be {@code null}
     * @param attempts how many requests were sent or started before giving up, at least 0
     */
    public LatticeClientException(String message, Throwable cause, int attempts) {
        this(message, cause, attempts, FailureKind.CLIENT, false);
    }

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the request (method and URL without query) but no secret
     * @param cause the underlying failure, may be {@code null}
     * @param attempts how many requests were sent or started before giving up, at least 0
     * @param failureKind what kind of failure it is, required
     * @param retryable whether sending the same request again could succeed
     */
    public LatticeClientException(
            String message, Throwable cause, int attempts, FailureKind failureKind, boolean retryable) {
        super(message, cause);
        this.attempts = attempts;
        this.failureKind = Objects.requireNonNull(failureKind, "failureKind");
        this.retryable = retryable;
    }

    /**
     * Returns how many attempts were made, counting the first.
     *
     * @return the number of attempts, 0 when the call failed before sending anything (for example while resolving
     *     credentials, or on a closed client)
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Returns what kind of failure ended the call, the same whichever HTTP client sent it.
     *
     * @return the kind
     */
    public FailureKind failureKind() {
        return failureKind;
    }

    /**
     * Tells whether the failure is transient: {@code true} for connection failures, resets, timeouts and TLS
     * handshakes that failed for another reason than the certificate; {@code false} for a certificate that is not
     * trusted, a protocol failure or a failure of this library.
     *
     * @return whether sending the same request again could succeed
     */
    @Override
    public boolean retryable() {
        return retryable;
    }
}
