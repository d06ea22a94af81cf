package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.LatticeResponseInputStream;
import dev.vpclattice.client.internal.call.CallPipeline;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import dev.vpclattice.client.internal.http.AsyncTransport;
import dev.vpclattice.client.internal.http.ResponseFactory;
import java.io.ByteArrayInputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * The {@link LatticeAsyncClient} implementation: the same {@link CallPipeline} as the sync client, over an
 * {@link AsyncTransport}, so that no thread waits. A caller who cancels (or completes) the returned future abandons
 * the call: its exchange is aborted and a scheduled retry cancelled.
 */
@LatticeInternalApi
public final class DefaultLatticeAsyncClient implements LatticeAsyncClient {
    private final CallPipeline pipeline;
    private final AsyncTransport transport;
    private final ExecutorService ownedCompletions;
    private final DefaultLatticeClient.Resources resources;
    private volatile boolean closed;

    DefaultLatticeAsyncClient(
            CallPipeline pipeline,
            SdkAsyncHttpClient httpClient,
            ResponseFactory responses,
            Executor completions,
            ExecutorService ownedCompletions,
            DefaultLatticeClient.Resources resources) {
        this.pipeline = pipeline;
        this.transport = new AsyncTransport(httpClient, responses, DeadlineTimer.shared(), completions, () -> !closed);
        this.ownedCompletions = ownedCompletions;
        this.resources = resources;
    }

    /**
     * Returns a builder with the defaults documented on {@link LatticeAsyncClient.Builder}.
     *
     * @return a new builder
     */
    public static LatticeAsyncClient.Builder builder() {
        return new DefaultLatticeAsyncClientBuilder();
    }

    @Override
    public CompletableFuture<LatticeResponse> send(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        CallPipeline.Execution call = pipeline.start(request, false, transport);
        CompletableFuture<LatticeResponse> result = call.result();
        // A caller who cancels (or completes) the future abandons the call: stop whatever it is doing.
        result.whenComplete((response, failure) -> call.abandon(failure));
        return result;
    }

    @Override
    public CompletableFuture<LatticeResponseInputStream> sendStreaming(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        CallPipeline.Execution call = pipeline.start(request, true, transport);
        CompletableFuture<LatticeResponseInputStream> streamed = new CompletableFuture<>();
        call.result().whenComplete((response, failure) -> {
            if (failure != null) {
                streamed.completeExceptionally(failure);
                return;
            }
            AbortableInputStream body = call.stream();
            LatticeResponseInputStream stream = new LatticeResponseInputStream(
                    response,
                    body != null
                            ? body
                            : AbortableInputStream.create(new ByteArrayInputStream(response.bodyAsByteArrayUnsafe())));
            if (!streamed.complete(stream)) {
                stream.abort();
            }
        });
        streamed.whenComplete((stream, failure) -> {
            if (failure != null) {
                call.abandon(failure);
                call.result().cancel(false);
            }
        });
        return streamed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
        if (ownedCompletions != null) {
            // Not shutdownNow: results already handed over are still delivered.
            ownedCompletions.shutdown();
        }
    }
}
