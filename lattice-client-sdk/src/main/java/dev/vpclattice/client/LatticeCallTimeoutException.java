package dev.vpclattice.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The call timeout expired: it aborted an attempt in flight, or ran out while the call waited for credentials or for
 * its next attempt. Its {@link #failureKind()} is {@link FailureKind#TIMEOUT}.
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
