package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.LatticeCallTimeoutException;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.internal.LatticeInternalApi;
import java.time.Duration;

/**
 * One call in progress: the request, its serialized body, its deadline and how many attempts have started. Builds the
 * call's exceptions, so every message names the method and the URL without query in the same words. Used by one
 * thread at a time (an async client hands it from stage to stage).
 */
@LatticeInternalApi
public final class Call {
    private final LatticeRequest request;
    private final Duration timeout;
    private final long startNanos;
    private final long deadlineNanos;
    private byte[] body;
    private int attempts;

    /**
     * Starts a call.
     *
     * @param request the request
     * @param timeout the call timeout that applies
     * @param startNanos {@code System.nanoTime()} at the start
     */
    public Call(LatticeRequest request, Duration timeout, long startNanos) {
        this.request = request;
        this.timeout = timeout;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + timeout.toNanos();
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

    /** @return the body to send, or {@code null} for none */
    public byte[] body() {
        return body;
    }

    void body(byte[] value) {
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
     * A client-side failure of this call.
     *
     * @param what what failed, phrased to follow the request, e.g. {@code "could not be signed"}
     * @param cause the cause, or {@code null}
     * @return the exception, whose message names the request and the cause
     */
    public LatticeClientException failed(String what, Throwable cause) {
        return new LatticeClientException(request + " " + what + (cause == null ? "" : ": " + cause), cause, attempts);
    }
}
