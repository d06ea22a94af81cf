package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.LatticeCallTimeoutException;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeClientException.FailureKind;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.http.BodySource;
import java.time.Duration;

/**
 * What one call is: the request it sends, its body, its deadline, whether the answer is streamed, and how many attempts
 * have started. Builds the call's exceptions, so every message names the method and the URL without query in the same
 * words, and none quotes a cause's text (which may carry a query or a server's body). Used by one thread at a time.
 */
@LatticeInternalApi
public final class Call {
    private final LatticeRequest request;
    private final Duration timeout;
    private final long startNanos;
    private final long deadlineNanos;
    private final boolean streamed;
    private BodySource body;
    private int attempts;

    /**
     * Starts a call.
     *
     * @param request the request, aimed at its target
     * @param timeout the call timeout that applies
     * @param startNanos {@code System.nanoTime()} at the start
     * @param streamed whether a 2xx answer's body is handed to the caller as a stream
     */
    public Call(LatticeRequest request, Duration timeout, long startNanos, boolean streamed) {
        this.request = request;
        this.timeout = timeout;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + timeout.toNanos();
        this.streamed = streamed;
    }

    /** @return when the call started, on the {@code System.nanoTime()} scale */
    public long startNanos() {
        return startNanos;
    }

    /** @return the request */
    public LatticeRequest request() {
        return request;
    }

    /** @return the deadline on the {@code System.nanoTime()} scale */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * Returns the nanoseconds left before the deadline.
     *
     * @param nowNanos {@code System.nanoTime()}
     * @return the time left, 0 or negative once it has passed
     */
    public long remainingNanos(long nowNanos) {
        return deadlineNanos - nowNanos;
    }

    /** @return whether a 2xx answer's body goes to the caller as a stream instead of being read */
    public boolean streamed() {
        return streamed;
    }

    /** @return the body to send, {@link BodySource#NONE} for none */
    public BodySource body() {
        return body;
    }

    void body(BodySource value) {
        body = value;
    }

    /** @return how many attempts have started */
    public int attempts() {
        return attempts;
    }

    /** Counts the start of an attempt. */
    public void startAttempt() {
        attempts++;
    }

    /**
     * Returns the call timeout that applies.
     *
     * @return the request's own, or the client's
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The call timeout fired.
     *
     * @param activity what the call was doing, e.g. {@code "while resolving AWS credentials"}, or empty
     * @param cause the failure it caused, or {@code null}
     * @return the exception
     */
    public LatticeCallTimeoutException timedOut(String activity, Throwable cause) {
        return new LatticeCallTimeoutException(
                "Call timeout of " + timeout.toMillis() + " ms expired for " + request
                        + (activity.isEmpty() ? "" : " " + activity) + " after " + attempts + " attempt(s)",
                cause,
                attempts,
                timeout);
    }

    /**
     * A failure of this call that retrying cannot fix, of kind {@link FailureKind#CLIENT}.
     *
     * @param what what failed, phrased to follow the request, e.g. {@code "was not sent: this client is closed"}
     * @param cause the cause, or {@code null}; its text is not quoted
     * @return the exception
     */
    public LatticeClientException failed(String what, Throwable cause) {
        return failed(FailureKind.CLIENT, false, what, cause);
    }

    /**
     * A failure of this call.
     *
     * @param kind what kind of failure
     * @param retryable whether it is transient
     * @param what what failed, phrased to follow the request
     * @param cause the cause, or {@code null}; only its type is named, never its text
     * @return the exception
     */
    public LatticeClientException failed(FailureKind kind, boolean retryable, String what, Throwable cause) {
        return new LatticeClientException(
                request + " " + what
                        + (cause == null ? "" : " (" + cause.getClass().getName() + ")"),
                cause,
                attempts,
                kind,
                retryable);
    }
}
