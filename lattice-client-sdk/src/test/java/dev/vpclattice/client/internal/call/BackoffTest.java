package dev.vpclattice.client.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofSeconds(5);

    @Test
    void bound_doublesPerAttempt_upToTheMax() {
        Backoff backoff = new Backoff(BASE, MAX, CAP, n -> n);
        assertEquals(Duration.ofMillis(100), backoff.bound(1));
        assertEquals(Duration.ofMillis(200), backoff.bound(2));
        assertEquals(Duration.ofMillis(400), backoff.bound(3));
        assertEquals(Duration.ofMillis(800), backoff.bound(4));
        assertEquals(MAX, backoff.bound(5));
        assertEquals(MAX, backoff.bound(1000));
    }

    @Test
    void delay_isFullJitter_withinZeroAndTheBound() {
        Backoff random =
                new Backoff(BASE, MAX, CAP, n -> ThreadLocalRandom.current().nextLong(n + 1));
        for (int attempt = 1; attempt <= 8; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration d = random.delay(attempt, Optional.empty());
                assertTrue(!d.isNegative() && d.compareTo(random.bound(attempt)) <= 0, attempt + ": " + d);
            }
        }
        assertEquals(Duration.ZERO, new Backoff(BASE, MAX, CAP, n -> 0).delay(3, Optional.empty()));
    }

    @Test
    void delay_honoursRetryAfter_upToTheCap() {
        Backoff lowJitter = new Backoff(BASE, MAX, CAP, n -> 0);
        assertEquals(Duration.ofSeconds(2), lowJitter.delay(1, Optional.of(Duration.ofSeconds(2))));
        assertEquals(CAP, lowJitter.delay(1, Optional.of(Duration.ofSeconds(120))));
        Backoff highJitter = new Backoff(BASE, MAX, CAP, n -> n);
        assertEquals(Duration.ofMillis(400), highJitter.delay(3, Optional.of(Duration.ZERO)));
    }

    @Test
    void parseRetryAfter_readsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T21:00:00Z"), ZoneOffset.UTC);
        assertEquals(Optional.of(Duration.ofSeconds(3)), Backoff.parseRetryAfter("3", clock));
        assertEquals(
                Optional.of(Duration.ofSeconds(30)), Backoff.parseRetryAfter("Fri, 27 Nov 2026 21:00:30 GMT", clock));
        assertEquals(Optional.of(Duration.ZERO), Backoff.parseRetryAfter("Fri, 27 Nov 2026 20:00:00 GMT", clock));
        assertEquals(Optional.empty(), Backoff.parseRetryAfter("soon", clock));
        assertEquals(Optional.empty(), Backoff.parseRetryAfter("-1", clock));
        assertEquals(Optional.empty(), Backoff.parseRetryAfter(null, clock));
    }
}
