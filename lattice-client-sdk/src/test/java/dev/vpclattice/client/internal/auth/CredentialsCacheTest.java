package dev.vpclattice.client.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The cache's timing rules, on a clock the test moves and an executor the test runs by hand. */
class CredentialsCacheTest {
    private final AtomicLong clock =
            new AtomicLong(Instant.parse("2026-11-30T12:00:00Z").toEpochMilli());
    private final List<Runnable> tasks = new ArrayList<>();
    private final AtomicInteger resolutions = new AtomicInteger();
    private Duration lifetime = Duration.ofHours(1);

    private volatile boolean failing;

    private final AwsCredentialsProvider provider = () -> {
        int n = resolutions.incrementAndGet();
        if (failing) {
            throw new IllegalStateException("credentials endpoint down");
        }
        AwsSessionCredentials.Builder b = AwsSessionCredentials.builder()
                .accessKeyId("AKID" + n)
                .secretAccessKey("secret")
                .sessionToken("token");
        if (lifetime != null) {
            b.expirationTime(Instant.ofEpochMilli(clock.get()).plus(lifetime));
        }
        return b.build();
    };
    private final CredentialsCache cache = new CredentialsCache(provider, tasks::add, clock::get);

    private AwsCredentialsIdentity firstResolution() {
        assertNull(cache.cached(), "nothing cached yet: the caller must wait");
        var future = cache.refresh();
        assertSame(future, cache.refresh(), "single flight: a second caller joins the first resolution");
        runTasks();
        return future.join();
    }

    private void runTasks() {
        List<Runnable> now = new ArrayList<>(tasks);
        tasks.clear();
        now.forEach(Runnable::run);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toMillis());
    }

    @Test
    void anIdentityWithExpiration_isUsedWithoutWaiting_refreshedInTheBackground_andNeverUsedInItsLastMinute() {
        AwsCredentialsIdentity first = firstResolution();
        advance(Duration.ofMinutes(50));
        assertSame(first, cache.cached());
        assertTrue(tasks.isEmpty(), "no refresh before the prefetch window");

        advance(Duration.ofMinutes(5).plusSeconds(1)); // 4 min 59 s left: prefetch window
        assertSame(first, cache.cached(), "the caller goes on with the cached identity");
        assertEquals(1, tasks.size(), "one background refresh started");
        assertSame(first, cache.cached());
        assertEquals(1, tasks.size(), "and only one");
        runTasks();
        assertEquals("AKID2", ((AwsCredentials) cache.cached()).accessKeyId());

        lifetime = Duration.ofMinutes(10);
        AwsCredentialsIdentity second = cache.cached();
        advance(Duration.ofMinutes(61)); // the second identity (1 h) is past its stale time
        assertNull(cache.cached(), "stale: never used in the last minute before expiry");
        assertEquals(2, resolutions.get());
        assertTrue(second != null);
    }

    @Test
    void anIdentityWithoutExpiration_neverMakesACallerWait_andIsAskedForAgainAfterAMinute() {
        lifetime = null;
        AwsCredentialsIdentity first = firstResolution();
        advance(Duration.ofDays(30));
        assertSame(first, cache.cached(), "still usable: it has no expiration");
        assertEquals(1, tasks.size(), "but a background refresh has started");
        runTasks();
        assertEquals("AKID2", ((AwsCredentials) cache.cached()).accessKeyId());
        advance(Duration.ofSeconds(30));
        cache.cached();
        assertTrue(tasks.isEmpty(), "not again within the minute");
    }

    @Test
    void aFailedBackgroundRefresh_keepsTheCachedIdentity_andIsRetriedNoSoonerThanASecondLater() {
        lifetime = null;
        AwsCredentialsIdentity first = firstResolution();
        failing = true;
        advance(Duration.ofMinutes(2));
        assertSame(first, cache.cached());
        runTasks();
        assertSame(first, cache.cached(), "the failure changes nothing for callers");
        assertTrue(tasks.isEmpty(), "no new refresh within a second of the failure");
        advance(Duration.ofMillis(1001));
        failing = false;
        assertSame(first, cache.cached());
        runTasks();
        assertEquals("AKID3", ((AwsCredentials) cache.cached()).accessKeyId());
    }

    @Test
    void anIdentityThatExpiresWithinTheMinute_isUsedUntilItExpires_aSecondAtATime() {
        lifetime = Duration.ofSeconds(30);
        AwsCredentialsIdentity first = firstResolution();
        assertSame(first, cache.cached());
        advance(Duration.ofMillis(999));
        assertSame(first, cache.cached());
        advance(Duration.ofMillis(2));
        assertNull(cache.cached(), "after a second the caller waits for a refresh");
    }
}
