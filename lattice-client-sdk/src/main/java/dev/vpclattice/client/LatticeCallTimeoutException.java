package dev.vpclattice.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The call timeout ({@link LatticeClient.Builder#callTimeout(Duration)}, or the request's own
 * {@link LatticeRequest.Builder#callTimeout(Duration)}) expired: it aborted an attempt in flight, or expired while the
 * call waited for credentials or before the next attempt. Like the SDK's {@code ApiCallTimeoutException}. Its
 * {@link #failureKind()} is {@link FailureKind#TIMEOUT}.
 *
 * <p>When the client gives up early because the next retry's backoff would pass the deadline, the timeout has not
 * fired: that is a plain {@link LatticeClientException} whose cause is the last attempt's failure, or the last
 * response is returned.
 */
public class LatticeCallTimeoutException extends LatticeClientException {
    private static final long serialVersionUID = 1L;

    private final Duration callTimeout;

    /**
     * Creates the exception.
     *
     * @param message what timed out, naming the request (method and URL without query)
     * @param cause the failure the timeout caused (e.g. the aborted exchange's), may be {@code null}
     * @param attempts how many attempts were started, 0 when none was
     * @param callTimeout the timeout that expired, required
     */
    public LatticeCallTimeoutException(String message, Throwable cause, int attempts, Duration callTimeout) {
        super(message, cause, attempts, FailureKind.TIMEOUT, true);
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    }

    /**
     * Returns the call timeout that expired.
     *
     * @return the timeout, e.g. 60 seconds
     */
    public Duration callTimeout() {
        return callTimeout;
    }
}
