package dev.vpclattice.client;

import dev.vpclattice.client.internal.DefaultLatticeAsyncClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * A thread-safe, non-blocking client for services behind Amazon VPC Lattice: {@link LatticeClient}'s twin over the AWS
 * SDK's {@link SdkAsyncHttpClient}, by default {@code NettyNioAsyncHttpClient} from
 * {@code software.amazon.awssdk:netty-nio-client}, which you add. Build it once, share it, and close it when done.
 */
public interface LatticeAsyncClient extends AutoCloseable {

    /**
     * Creates a client with every default: region from the environment, {@code DefaultCredentialsProvider}, SigV4,
     * {@code NettyNioAsyncHttpClient}.
     *
     * @return a new client
     * @throws IllegalStateException if no region can be found in the environment, or
     *     {@code software.amazon.awssdk:netty-nio-client} is not on the class path
     */
    static LatticeAsyncClient create() {
        return builder().build();
    }

    /**
     * Returns a builder with the documented defaults.
     *
     * @return a new builder
     */
    static Builder builder() {
        return DefaultLatticeAsyncClient.builder();
    }

    /**
     * Sends a request without blocking the calling thread and returns its response, whatever its status, in the
     * future. Signs every attempt afresh and retries as {@link LatticeClient#send} does; a backoff wait is a
     * scheduled task, not a sleeping thread. When no usable credentials are cached, the call continues once the
     * credentials provider has answered, on the thread that resolved them.
     *
     * <p>The future completes exceptionally with the same exceptions, worded the same way, as the sync client throws:
     * {@link LatticeCallTimeoutException} when the call timeout fires (the exchange in flight is aborted),
     * {@link LatticeClientException} when no usable response was obtained. {@code get()} wraps them in an
     * {@code ExecutionException} and {@code join()} in a {@code CompletionException}: their cause is the
     * {@link LatticeException}. Cancelling the future ({@code cancel(true)} or {@code cancel(false)}) aborts the exchange
     * in flight, closing its connection, and cancels a scheduled retry; nothing more is sent.
     *
     * <p>The future is completed on the builder's {@code futureCompletionExecutor}, so stages that you chain without
     * an executor ({@code thenApply}, ...) run there and never on the HTTP client's I/O threads.
     *
     * @param request the request, required
     * @return the response of the last attempt (may be non-2xx: see {@link LatticeResponse#ensureSuccess()})
     * @throws NullPointerException if {@code request} is {@code null} (thrown, not in the future)
     */
    CompletableFuture<LatticeResponse> send(LatticeRequest request);

    /**
     * Builds a request and sends it, as {@link #send(LatticeRequest)} does.
     *
     * @param request sets up a new {@link LatticeRequest.Builder}
     * @return the response of the last attempt, in the future
     * @throws IllegalArgumentException if the builder refuses a value (thrown, not in the future)
     */
    default CompletableFuture<LatticeResponse> send(Consumer<LatticeRequest.Builder> request) {
        LatticeRequest.Builder builder = LatticeRequest.builder();
        request.accept(builder);
        return send(builder.build());
    }

    /**
     * Sends a request and completes the future as soon as the answer's head arrives, with a 2xx body as a stream that
     * is never held in memory whole, as {@link LatticeClient#sendStreaming} does. Reading the stream blocks the reading
     * thread until the HTTP client delivers the next bytes: read it off the HTTP client's I/O threads.
     *
     * @param request the request, required
     * @return the answer's status, headers and body stream, in the future
     */
    CompletableFuture<LatticeResponseInputStream> sendStreaming(LatticeRequest request);

    /**
     * Releases the HTTP client, the credentials refresh thread and the completion threads. Closes the HTTP client,
     * the credentials provider and the completion executor only when the client created them itself (not those passed
     * to the builder). Idempotent; calls in flight fail with a {@link LatticeClientException}.
     */
    @Override
    void close();

    /**
     * Configures a {@link LatticeAsyncClient}: the settings it shares with the sync client
     * ({@link LatticeBaseClientBuilder}, same defaults), an {@link SdkAsyncHttpClient} instead of an {@code SdkHttpClient},
     * and the executor that completes the futures. Service discovery is the sync client's alone. Not thread-safe; every
     * setting is optional.
     */
    interface Builder extends LatticeBaseClientBuilder<Builder, LatticeAsyncClient> {
        /**
         * Sets an async HTTP client the caller built and configured completely; it is not closed by
         * {@link LatticeAsyncClient#close()}. Cannot be combined with the settings this client would apply to an
         * HTTP client it builds ({@link #connectTimeout}, {@link #readTimeout}, {@link #trustedCertificates},
         * {@link #trustManagers}, {@link #httpClientBuilder}): {@link #build()} refuses that with an
         * {@link IllegalArgumentException}. By default the client builds the SDK's {@code NettyNioAsyncHttpClient}.
         *
         * @param httpClient the client
         * @return this builder
         */
        Builder httpClient(SdkAsyncHttpClient httpClient);

        /**
         * Sets the builder of the async HTTP client this client builds and owns, for example
         * {@code NettyNioAsyncHttpClient.builder().maxConcurrency(200)} or {@code AwsCrtAsyncHttpClient.builder()}.
         * The client hands it the connect and read timeouts, the trust and its pool defaults (50 connections, TCP
         * keep-alive, 50-second idle limit) through {@code buildWithDefaults}; what the builder sets itself wins, as in
         * the SDK. The AWS CRT client checks certificates natively and cannot use Java trust: {@link #build()} refuses
         * it together with {@link #trustedCertificates} or {@link #trustManagers}. Defaults to
         * {@code NettyNioAsyncHttpClient.builder()}.
         *
         * @param httpClientBuilder the builder
         * @return this builder
         */
        Builder httpClientBuilder(SdkAsyncHttpClient.Builder<?> httpClientBuilder);

        /**
         * Sets the executor that completes the futures {@link LatticeAsyncClient#send} returns, and so runs the
         * stages you chain to them without an executor of your own; it also starts retries after their backoff.
         * Defaults to a pool owned by the client of up to {@code max(4, 2 × CPUs)} daemon threads, started when needed
         * and ended after a minute idle, as the SDK's async clients keep their I/O threads free. {@code Runnable::run}
         * saves a thread hand-off per call, but then your stages run on the HTTP client's I/O threads and the library's
         * shared timer thread, where blocking stalls every call: use it only for stages that never block. An executor
         * you pass is not shut down by {@link LatticeAsyncClient#close()}.
         *
         * @param executor the executor
         * @return this builder
         */
        Builder futureCompletionExecutor(Executor executor);

        /**
         * Builds the client.
         *
         * @return a new client
         * @throws IllegalStateException if no HTTP client or builder was given and
         *     {@code software.amazon.awssdk:netty-nio-client} is not on the class path (the message names it), if
         *     signing is on and no region is set or found, or if SigV4A is chosen without
         *     {@code software.amazon.awssdk:http-auth-aws-crt}: the same type as the sync builder's missing region and
         *     missing SigV4A dependency
         * @throws IllegalArgumentException if settings contradict each other (for example {@link #httpClient} with
         *     timeouts or trust, or the CRT client with trust); the message names them
         */
        LatticeAsyncClient build();
    }
}
