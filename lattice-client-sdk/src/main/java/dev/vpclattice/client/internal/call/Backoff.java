package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * Computes retry delays: exponential backoff with full jitter, and {@code Retry-After} (seconds or HTTP date)
 * honoured up to a cap. Immutable and thread-safe.
 */
@LatticeInternalApi
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final Duration retryAfterCap;
    private final LongUnaryOperator random;

    /**
     * Creates a backoff.
     *
     * @param base the delay bound before the second attempt
     * @param max the cap of any single exponential delay
     * @param retryAfterCap the longest Retry-After honoured
     * @param random given a bound {@code n > 0}, returns a value in {@code [0, n]}
     */
    public Backoff(Duration base, Duration max, Duration retryAfterCap, LongUnaryOperator random) {
        this.base = base;
        this.max = max;
        this.retryAfterCap = retryAfterCap;
        this.random = random;
    }

    /**
     * Returns the upper bound of the exponential delay after attempt {@code attempt}:
     * {@code min(max, base * 2^(attempt-1))}.
     *
     * @param attempt the attempt that just failed, 1-based
     * @return the bound
     */
    public Duration bound(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long nanos = base.toNanos();
        long scaled = nanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : nanos << shift;
        return Duration.ofNanos(Math.min(scaled, max.toNanos()));
    }

    /**
     * Returns the delay before the next attempt: a random time in {@code [0, bound(attempt)]}, or the
     * Retry-After value (capped) when that is longer.
     *
     * @param attempt the attempt that just failed, 1-based
     * @param retryAfter the parsed Retry-After, if the response had one
     * @return the delay
     */
    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        long bound = bound(attempt).toNanos();
        Duration jitter = Duration.ofNanos(bound <= 0 ? 0 : random.applyAsLong(bound));
        if (retryAfter.isPresent()) {
            Duration honoured = retryAfter.get().compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter.get();
            return honoured.compareTo(jitter) > 0 ? honoured : jitter;
        }
        return jitter;
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
