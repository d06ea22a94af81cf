package dev.vpclattice.client;

/**
 * The unchecked root of every exception a call of this library throws: catch it to handle any failure of a call, or
 * catch {@link LatticeServiceException} or {@link LatticeClientException} for one kind.
 */
public class LatticeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed; names the request but no secret
     * @param cause the underlying failure, or {@code null}
     */
    protected LatticeException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Tells whether the same request could succeed if sent again, as the SDK's {@code SdkException.retryable()} does;
     * the client has already retried what its retry rules allow.
     *
     * @return {@code false} here; the subclasses say when it is {@code true}
     */
    public boolean retryable() {
        return false;
    }
}
