package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * Keeps the identity a credentials provider returned and refreshes it in the background, so that a call normally
 * signs with a cached identity on its own thread and waits for the provider only when nothing usable is cached.
 *
 * <ul>
 *   <li>An identity with an expiration time is used until {@link #STALE_BEFORE_EXPIRY} before it expires. From
 *     {@link #PREFETCH_BEFORE_EXPIRY} before, the first call that notices starts a background refresh and goes on
 *     with the cached identity. (The SDK's container credentials provider uses the same one minute.) An identity
 *     that already expires within that minute is used until it expires, at most one second at a time.</li>
 *   <li>An identity without an expiration time (static keys, environment variables, profile keys) never becomes
 *     unusable: once it is {@link #NO_EXPIRY_REFRESH} old, the next call starts a background refresh and uses the
 *     new identity once the provider has returned it.</li>
 *   <li>No usable identity (the first call, or a stale one): callers join one resolution (single flight) and wait
 *     for it within their own deadline.</li>
 *   <li>A failed background refresh keeps the cached identity and is logged at WARN; the next refresh is tried
 *     {@link #RETRY_AFTER_FAILURE} later at the earliest. A failed resolution that callers wait for fails those
 *     calls; the next call tries again.</li>
 * </ul>
 *
 * <p>Times are compared on the wall clock, as expiration times are, so an identity cached before a JVM snapshot is
 * judged by the time after the restore.
 */
@LatticeInternalApi
public final class CredentialsCache {
    static final Duration STALE_BEFORE_EXPIRY = Duration.ofMinutes(1);
    static final Duration PREFETCH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    static final Duration NO_EXPIRY_REFRESH = Duration.ofMinutes(1);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final long SHORT_LIVED_STEP_MILLIS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(CredentialsCache.class);

    private final IdentityProvider<? extends AwsCredentialsIdentity> provider;
    private final Executor executor;
    private final LongSupplier wallClockMillis;
    private final AtomicReference<CompletableFuture<AwsCredentialsIdentity>> inFlight = new AtomicReference<>();
    private volatile Entry current;
    private volatile long nextBackgroundRefreshMillis;

    /**
     * Creates a cache.
     *
     * @param provider where identities come from
     * @param executor runs resolutions, so that a caller can stop waiting at its deadline
     * @param wallClockMillis the wall clock, {@code System::currentTimeMillis} outside tests
     */
    public CredentialsCache(
            IdentityProvider<? extends AwsCredentialsIdentity> provider,
            Executor executor,
            LongSupplier wallClockMillis) {
        this.provider = provider;
        this.executor = executor;
        this.wallClockMillis = wallClockMillis;
    }

    /**
     * Creates the executor that resolves identities for a cache: no thread exists until credentials are first needed,
     * and the one thread ends after a minute without work. Shut it down when the cache's owner closes.
     *
     * @return a single-thread executor of daemon threads named {@code lattice-client-credentials}
     */
    public static ThreadPoolExecutor newRefresher() {
        return new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "lattice-client-credentials");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Returns a usable cached identity without waiting, starting a background refresh when one is due.
     *
     * @return the identity, or {@code null} when none is usable: then call {@link #refresh()} and wait
     */
    public AwsCredentialsIdentity cached() {
        Entry entry = current;
        if (entry == null) {
            return null;
        }
        long now = wallClockMillis.getAsLong();
        if (now >= entry.staleAtMillis) {
            return null;
        }
        if (now >= entry.refreshAtMillis && now >= nextBackgroundRefreshMillis && inFlight.get() == null) {
            refresh();
        }
        return entry.identity;
    }

    /**
     * Starts a resolution, or returns the one in flight.
     *
     * @return completes with the new identity, or exceptionally with the provider's failure
     */
    public CompletableFuture<AwsCredentialsIdentity> refresh() {
        CompletableFuture<AwsCredentialsIdentity> running = inFlight.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<AwsCredentialsIdentity> mine = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, mine)) {
            return inFlight.get() != null ? inFlight.get() : refresh();
        }
        try {
            executor.execute(() -> resolve(mine));
        } catch (RejectedExecutionException e) {
            inFlight.compareAndSet(mine, null);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    private void resolve(CompletableFuture<AwsCredentialsIdentity> result) {
        try {
            AwsCredentialsIdentity identity = provider.resolveIdentity().join();
            if (identity == null) {
                throw new IllegalStateException("The credentials provider returned no credentials");
            }
            current = entryFor(identity, wallClockMillis.getAsLong());
            inFlight.compareAndSet(result, null);
            result.complete(identity);
        } catch (Throwable e) {
            Throwable failure =
                    e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            nextBackgroundRefreshMillis = wallClockMillis.getAsLong() + RETRY_AFTER_FAILURE.toMillis();
            inFlight.compareAndSet(result, null);
            if (current != null && wallClockMillis.getAsLong() < current.staleAtMillis) {
                LOG.warn(
                        "Refreshing AWS credentials failed; the cached credentials stay in use: {}",
                        failure.toString());
            }
            result.completeExceptionally(failure);
            if (failure instanceof VirtualMachineError) {
                throw (VirtualMachineError) failure;
            }
        }
    }

    static Entry entryFor(AwsCredentialsIdentity identity, long now) {
        Optional<Instant> expiration = identity.expirationTime();
        if (expiration.isEmpty()) {
            return new Entry(identity, Long.MAX_VALUE, now + NO_EXPIRY_REFRESH.toMillis());
        }
        long expiresAt = expiration.get().toEpochMilli();
        long staleAt = expiresAt - STALE_BEFORE_EXPIRY.toMillis();
        if (staleAt <= now) {
            // The provider has nothing fresher: use what it gave, a second at a time, until it really expires.
            staleAt = Math.min(expiresAt, now + SHORT_LIVED_STEP_MILLIS);
        }
        return new Entry(identity, staleAt, Math.min(staleAt, expiresAt - PREFETCH_BEFORE_EXPIRY.toMillis()));
    }

    static final class Entry {
        final AwsCredentialsIdentity identity;
        final long staleAtMillis;
        final long refreshAtMillis;

        Entry(AwsCredentialsIdentity identity, long staleAtMillis, long refreshAtMillis) {
            this.identity = identity;
            this.staleAtMillis = staleAtMillis;
            this.refreshAtMillis = refreshAtMillis;
        }
    }
}
