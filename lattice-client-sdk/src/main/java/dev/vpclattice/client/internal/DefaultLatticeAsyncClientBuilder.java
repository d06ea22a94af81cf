package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.call.CallPipeline;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import dev.vpclattice.client.internal.compat.DependencyCheck;
import dev.vpclattice.client.internal.http.HttpClients;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * Collects the settings of a {@link LatticeAsyncClient}, checks that they fit together, and wires the client. Shares
 * {@link ClientSettings} with the sync builder; adds the async HTTP client and the completion executor.
 */
@LatticeInternalApi
public final class DefaultLatticeAsyncClientBuilder
        extends ClientSettings<LatticeAsyncClient.Builder, LatticeAsyncClient> implements LatticeAsyncClient.Builder {
    static final String NEEDS_NETTY = "LatticeAsyncClient needs an async HTTP client: add"
            + " software.amazon.awssdk:netty-nio-client (its default, version managed by lattice-bom or the AWS SDK BOM)"
            + " to your dependencies, or pass one with httpClient(...) or httpClientBuilder(...)";

    private SdkAsyncHttpClient httpClient;
    private SdkAsyncHttpClient.Builder<?> httpClientBuilder;
    private Executor futureCompletionExecutor;
    private final Predicate<String> classPresent;

    DefaultLatticeAsyncClientBuilder() {
        this(OptionalDependencies.CLASSPATH);
    }

    DefaultLatticeAsyncClientBuilder(Predicate<String> classPresent) {
        this.classPresent = classPresent;
    }

    @Override
    LatticeAsyncClient.Builder self() {
        return this;
    }

    @Override
    public LatticeAsyncClient.Builder httpClient(SdkAsyncHttpClient value) {
        httpClient = Objects.requireNonNull(value, "httpClient");
        return this;
    }

    @Override
    public LatticeAsyncClient.Builder httpClientBuilder(SdkAsyncHttpClient.Builder<?> value) {
        httpClientBuilder = Objects.requireNonNull(value, "httpClientBuilder");
        return this;
    }

    @Override
    public LatticeAsyncClient.Builder futureCompletionExecutor(Executor value) {
        futureCompletionExecutor = Objects.requireNonNull(value, "futureCompletionExecutor");
        return this;
    }

    @Override
    public LatticeAsyncClient build() {
        DependencyCheck.verify(); // below a dependency's floor: fail here, not at the first call
        checkSettings();
        if (httpClient != null) {
            refuseWithCallersHttpClient(httpClientBuilder != null);
        } else if (httpClientBuilder == null && !classPresent.test(OptionalDependencies.NETTY_ASYNC_CLIENT)) {
            throw new IllegalStateException(NEEDS_NETTY);
        } else if (httpClientBuilder != null
                && HttpClients.isCrt(httpClientBuilder)
                && !trustSettings().isEmpty()) {
            List<String> trust = trustSettings();
            throw new IllegalArgumentException("The AWS CRT HTTP client ("
                    + httpClientBuilder.getClass().getName()
                    + ") and " + String.join(", ", trust) + " can't both be configured: the CRT checks certificates"
                    + " natively and cannot use Java trust managers, so " + String.join(", ", trust) + " would be"
                    + " ignored. Use the default NettyNioAsyncHttpClient for per-client trust");
        }
        LatticeSigner signer = signer("LatticeAsyncClient");

        boolean ownsHttpClient = httpClient == null;
        SdkAsyncHttpClient http = httpClient;
        if (http == null) {
            http = HttpClients.buildAsync(
                    httpClientBuilder, connectTimeoutOrDefault(), readTimeoutOrDefault(), trust());
        }
        ThreadPoolExecutor ownedCompletions = futureCompletionExecutor == null ? completionPool() : null;

        Credentials credentials = credentials();
        CallPipeline pipeline = new CallPipeline(
                signer,
                credentials.cache,
                retryPolicy(),
                callObservers(),
                objectMapper(),
                callTimeout(),
                null,
                DeadlineTimer.shared(),
                expectContinueThreshold());
        return new DefaultLatticeAsyncClient(
                pipeline,
                http,
                responses("LatticeAsyncClient.Builder"),
                ownedCompletions != null ? ownedCompletions : futureCompletionExecutor,
                ownedCompletions,
                new DefaultLatticeClient.Resources(
                        http, ownsHttpClient, credentials.provider, credentials.owned, credentials.refresher));
    }

    /** Threads exist only while there are futures to complete; they end after a minute idle. */
    private static ThreadPoolExecutor completionPool() {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "lattice-async-completion-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
