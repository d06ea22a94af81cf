package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Decides whether an attempt's outcome is retried and after what delay: the SDK's {@link BackoffStrategy} (exponential
 * with full jitter) or the answer's {@code Retry-After}, whichever is longer, up to a cap. The caller waits (or,
 * asynchronously, schedules) and checks the delay against the call's deadline. Immutable.
 */
@LatticeInternalApi
public final class RetryPolicy {
    /** Do not retry. */
    public static final long NO_RETRY = -1;

    private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

    private final int maxAttempts;
    private final BackoffStrategy backoff;
    private final Duration retryAfterCap;
    private final Clock clock;

    /**
     * Creates the policy.
     *
     * @param maxAttempts attempts per call, counting the first
     * @param backoff the delays between attempts
     * @param retryAfterCap the longest {@code Retry-After} honoured
     * @param clock the clock that HTTP-date {@code Retry-After} values are measured against
     */
    public RetryPolicy(int maxAttempts, BackoffStrategy backoff, Duration retryAfterCap, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.retryAfterCap = retryAfterCap;
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
                || !call.body().repeatable()
                || call.attempts() >= maxAttempts) {
            return NO_RETRY;
        }
        Duration delay = backoff.computeDelay(call.attempts() + 1);
        Optional<Duration> retryAfter =
                parseRetryAfter(response.firstHeader("Retry-After").orElse(null), clock);
        if (retryAfter.isPresent()) {
            Duration honoured = retryAfter.get().compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter.get();
            delay = honoured.compareTo(delay) > 0 ? honoured : delay;
        }
        return delay.toNanos();
    }

    /**
     * Decides after a transport failure: one that proves nothing was sent is retried for every method, one that may
     * have reached the service only for retryable requests, and certificate, protocol and client failures never. A
     * body that cannot be read again is never sent twice.
     *
     * @param call the call
     * @param failure what the failure is
     * @return the delay in nanoseconds before the next attempt, or {@link #NO_RETRY} to fail the call
     */
    public long afterFailure(Call call, Failures.Failure failure) {
        if (call.attempts() >= maxAttempts
                || !failure.transientFailure()
                || !call.body().repeatable()) {
            return NO_RETRY;
        }
        boolean retry = failure.nothingSent() || call.request().retryable();
        return retry ? backoff.computeDelay(call.attempts() + 1).toNanos() : NO_RETRY;
    }

    /**
     * Parses a {@code Retry-After} value: delta seconds or an IMF-fixdate HTTP date.
     *
     * @param value the header value, may be {@code null}
     * @param clock the clock to measure an HTTP date against
     * @return the delay (never negative), or empty when absent or unparseable
     */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
