package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an attempt's outcome is retried and after what delay; the caller waits (or, asynchronously,
 * schedules) and checks the delay against the call's deadline. Shared by any transport. Immutable.
 */
@LatticeInternalApi
public final class RetryPolicy {
    /** Do not retry. */
    public static final long NO_RETRY = -1;

    private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

    private final int maxAttempts;
    private final Backoff backoff;
    private final Clock clock;

    /**
     * Creates the policy.
     *
     * @param maxAttempts attempts per call, counting the first
     * @param backoff the delays
     * @param clock the clock that HTTP-date {@code Retry-After} values are measured against
     */
    public RetryPolicy(int maxAttempts, Backoff backoff, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** @return attempts per call, counting the first */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Decides after an answer: 429, 502, 503 and 504 are retried for retryable requests, honouring
     * {@code Retry-After}.
     *
     * @param call the call
     * @param response the answer
     * @return the delay in nanoseconds before the next attempt, or {@link #NO_RETRY} to return the answer
     */
    public long afterResponse(Call call, LatticeResponse response) {
        if (!RETRYABLE_STATUS.contains(response.statusCode())
                || !call.request().retryable()
                || call.attempts() >= maxAttempts) {
            return NO_RETRY;
        }
        Optional<Duration> retryAfter =
                Backoff.parseRetryAfter(response.firstHeader("Retry-After").orElse(null), clock);
        return backoff.delay(call.attempts(), retryAfter).toNanos();
    }

    /**
     * Decides after a transport failure: one that proves nothing was sent is retried for every method, one that may
     * have reached the service only for retryable requests, and certificate or protocol errors never.
     *
     * @param call the call
     * @param kind what the failure proves
     * @return the delay in nanoseconds before the next attempt, or {@link #NO_RETRY} to fail the call
     */
    public long afterFailure(Call call, Failures.Kind kind) {
        if (call.attempts() >= maxAttempts) {
            return NO_RETRY;
        }
        boolean retry = kind == Failures.Kind.NOTHING_SENT
                || kind == Failures.Kind.MAYBE_SENT && call.request().retryable();
        return retry ? backoff.delay(call.attempts(), Optional.empty()).toNanos() : NO_RETRY;
    }
}
