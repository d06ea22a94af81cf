package dev.vpclattice.client;

/**
 * A call produced no usable answer: the connection failed or was reset, the read timeout expired, the credentials
 * could not be resolved, the response was not HTTP or its body exceeded {@code maxResponseBodySize}, the request body
 * could not be serialized, a response body could not be mapped by {@link LatticeResponse#bodyAs(Class)}, or the
 * client was closed. Keeps the underlying failure (for example the HTTP client's {@code IOException}) as its cause.
 * {@link LatticeCallTimeoutException}, a subclass, means the call timeout ended the call.
 */
public class LatticeClientException extends LatticeException {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the request (method and URL without query) but no secret
     * @param cause the underlying failure, may be {@code null}
     * @param attempts how many requests were sent or started before giving up, at least 0
     */
    public LatticeClientException(String message, Throwable cause, int attempts) {
        super(message, cause);
        this.attempts = attempts;
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
}
