package dev.vpclattice.client;

/**
 * The root of every exception this library throws from a call: catch it to handle any failure of
 * {@link LatticeClient#send(LatticeRequest)}, {@link LatticeResponse#ensureSuccess()} or
 * {@link LatticeResponse#bodyAs(Class)}. Unchecked, like the AWS SDK's {@code SdkException}.
 *
 * <ul>
 *   <li>{@link LatticeServiceException}: the service (or Lattice) answered with a non-2xx status;</li>
 *   <li>{@link LatticeClientException}: no usable answer, with its {@link LatticeClientException#failureKind()};
 *     {@link LatticeCallTimeoutException} when the call timeout ended the call.</li>
 * </ul>
 *
 * <p>Messages name the request's method and URL without its query, and never carry credentials, signatures, header
 * values, the query or the server's body. Builders validate their arguments as the SDK's do, with
 * {@link NullPointerException} and {@link IllegalArgumentException}, which are not part of this tree.
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
