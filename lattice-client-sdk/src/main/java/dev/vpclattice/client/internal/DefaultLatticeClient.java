package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.LatticeResponseInputStream;
import dev.vpclattice.client.internal.call.CallPipeline;
import dev.vpclattice.client.internal.discovery.ServiceEndpoint;
import dev.vpclattice.client.internal.http.ResponseFactory;
import dev.vpclattice.client.internal.http.SyncTransport;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@link LatticeClient} implementation: a {@link CallPipeline} over a {@link SyncTransport}, so that a call runs
 * its steps on the caller's thread from start to end.
 */
@LatticeInternalApi
public final class DefaultLatticeClient implements LatticeClient {
    private final CallPipeline pipeline;
    private final SyncTransport transport;
    private final Resources resources;
    private final ServiceEndpoint serviceEndpoint;
    private volatile boolean closed;

    DefaultLatticeClient(
            CallPipeline pipeline,
            SdkHttpClient httpClient,
            ResponseFactory responses,
            Resources resources,
            ServiceEndpoint serviceEndpoint) {
        this.pipeline = pipeline;
        this.transport = new SyncTransport(httpClient, responses, () -> !closed);
        this.resources = resources;
        this.serviceEndpoint = serviceEndpoint;
    }

    /**
     * Returns a builder with the defaults documented on {@link LatticeClient.Builder}.
     *
     * @return a new builder
     */
    public static LatticeClient.Builder builder() {
        return new DefaultLatticeClientBuilder();
    }

    @Override
    public LatticeResponse send(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        return outcome(pipeline.start(request, false, transport).result());
    }

    @Override
    public LatticeResponseInputStream sendStreaming(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        CallPipeline.Execution call = pipeline.start(request, true, transport);
        LatticeResponse response = outcome(call.result());
        AbortableInputStream body = call.stream();
        return new LatticeResponseInputStream(
                response,
                body != null
                        ? body
                        : AbortableInputStream.create(new ByteArrayInputStream(response.bodyAsByteArrayUnsafe())));
    }

    /** The sync transport has completed the result by now, on this thread. */
    private static LatticeResponse outcome(CompletableFuture<LatticeResponse> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LatticeException) {
                throw (LatticeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    @Override
    public Optional<URI> serviceEndpoint() {
        return serviceEndpoint == null ? Optional.empty() : Optional.of(serviceEndpoint.base());
    }

    @Override
    public void prime() {
        pipeline.prime(!closed, "LatticeClient");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
    }

    /** What a client (sync or async) owns and releases on close. */
    static final class Resources {
        private final SdkAutoCloseable httpClient;
        private final boolean ownsHttpClient;
        private final Object credentialsProvider;
        private final boolean ownsCredentialsProvider;
        private final ExecutorService refresher;

        Resources(
                SdkAutoCloseable httpClient,
                boolean ownsHttpClient,
                Object credentialsProvider,
                boolean ownsCredentialsProvider,
                ExecutorService refresher) {
            this.httpClient = httpClient;
            this.ownsHttpClient = ownsHttpClient;
            this.credentialsProvider = credentialsProvider;
            this.ownsCredentialsProvider = ownsCredentialsProvider;
            this.refresher = refresher;
        }

        synchronized void close() {
            if (refresher != null) {
                refresher.shutdownNow();
            }
            if (ownsHttpClient) {
                httpClient.close();
            }
            if (ownsCredentialsProvider && credentialsProvider instanceof SdkAutoCloseable) {
                ((SdkAutoCloseable) credentialsProvider).close();
            }
        }
    }
}
