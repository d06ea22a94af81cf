package dev.vpclattice.client;

/**
 * Thrown when a call produced no usable HTTP response: the connection failed, was reset, a read or the whole-call
 * timeout expired, the credentials could not be resolved, or the response body exceeded
 * {@code maxResponseBodySize}. Keeps the underlying failure as its cause.
 * Never carries credentials or signatures in its message.
 */
public class VpcLatticeClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final boolean timeout;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the request (method and URL) but no secret
     * @param cause the underlying failure, may be {@code null}
     * @param attempts how many attempts were made before giving up
     * @param timeout whether the whole-call timeout ended the call
     */
    public VpcLatticeClientException(String message, Throwable cause, int attempts, boolean timeout) {
        super(message, cause);
        this.attempts = attempts;
        this.timeout = timeout;
    }

    /**
     * Returns how many attempts were made, counting the first.
     *
     * @return the number of attempts, at least 0 (0 when the call failed before sending anything)
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Returns whether the client's whole-call timeout actually fired: it aborted an attempt in flight, or expired
     * while resolving credentials or before the next attempt. When the client gives up early because the next
     * retry's backoff would pass the deadline, the call has not timed out: this returns {@code false} and the cause
     * is the last attempt's failure.
     *
     * @return {@code true} when the call timeout expired, {@code false} for other failures
     */
    public boolean isCallTimeout() {
        return timeout;
    }
}
