package dev.vpclattice.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.DefaultVpcLatticeAsyncClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A thread-safe, non-blocking client for services behind Amazon VPC Lattice: the asynchronous twin of
 * {@link VpcLatticeClient}, over the AWS SDK's {@link SdkAsyncHttpClient} (by default the SDK's
 * {@code NettyNioAsyncHttpClient}, from {@code software.amazon.awssdk:netty-nio-client}, which you add). It signs, retries,
 * bounds and traces each call exactly as the sync client does, but no thread waits: {@link #send} returns at once and
 * the call goes on on the HTTP client's I/O threads, the library's timer thread and its credentials thread. Build it
 * once and share it; close it when done.
 *
 * <pre>{@code
 * try (VpcLatticeAsyncClient client = VpcLatticeAsyncClient.create()) {
 *     client.send(LatticeRequest.builder().url(System.getenv("SERVICE_DNS_NAME")).build())
 *           .thenApply(LatticeResponse::ensureSuccess)
 *           .thenAccept(response -> System.out.println(response.bodyAsString()))
 *           .join();
 * }
 * }</pre>
 */
public interface VpcLatticeAsyncClient extends AutoCloseable {

    /**
     * Creates a client with every default: region from the environment, {@code DefaultCredentialsProvider}, SigV4,
     * {@code NettyNioAsyncHttpClient}.
     *
     * @return a new client
     * @throws IllegalStateException if no region can be found in the environment, or
     *     {@code software.amazon.awssdk:netty-nio-client} is not on the class path
     */
    static VpcLatticeAsyncClient create() {
        return builder().build();
    }

    /**
     * Returns a builder with the documented defaults.
     *
     * @return a new builder
     */
    static Builder builder() {
        return DefaultVpcLatticeAsyncClient.builder();
    }

    /**
     * Sends a request without blocking the calling thread and returns its response, whatever its status, in the
     * future. Signs every attempt afresh and retries as {@link VpcLatticeClient#send} does; a backoff wait is a
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
     * Releases the HTTP client, the credentials refresh thread and the completion threads. Closes the HTTP client,
     * the credentials provider and the completion executor only when the client created them itself (not those passed
     * to the builder). Idempotent; calls in flight fail with a {@link LatticeClientException}.
     */
    @Override
    void close();

    /**
     * Configures a {@link VpcLatticeAsyncClient}: the settings of {@link VpcLatticeClient.Builder} with the same
     * defaults, an {@link SdkAsyncHttpClient} instead of an {@code SdkHttpClient}, and the executor that completes the
     * futures. Not thread-safe; every setting is optional.
     */
    interface Builder {
        /**
         * Sets the signing region. Defaults to the environment ({@code AWS_REGION}, the profile, instance
         * metadata) through {@code DefaultAwsRegionProviderChain}; not needed for {@link SigningMode#NONE}.
         *
         * @param region the region of the Lattice service, e.g. {@code Region.US_EAST_1}
         * @return this builder
         */
        Builder region(Region region);

        /**
         * Sets where credentials come from. Defaults to {@code DefaultCredentialsProvider}. Cached and refreshed in the
         * background as for {@link VpcLatticeClient.Builder#credentialsProvider}; a call that finds no usable identity
         * does not block: it continues when the provider has answered, or fails at its call timeout.
         *
         * @param credentialsProvider the provider
         * @return this builder
         */
        Builder credentialsProvider(AwsCredentialsProvider credentialsProvider);

        /**
         * Sets how requests are signed. Defaults to {@link SigningMode#SIGV4}.
         *
         * @param signingMode the mode
         * @return this builder
         */
        Builder signingMode(SigningMode signingMode);

        /**
         * Sets the TCP connect timeout of the HTTP client the client builds. Defaults to 2 seconds. Cannot be combined
         * with {@link #httpClient(SdkAsyncHttpClient)} ({@link #build()} refuses it): configure that client instead.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder connectTimeout(Duration timeout);

        /**
         * Sets the read timeout (longest silence while waiting for bytes) of the HTTP client the client builds.
         * Defaults to 30 seconds. Cannot be combined with {@link #httpClient(SdkAsyncHttpClient)}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder readTimeout(Duration timeout);

        /**
         * Sets the whole-call timeout, which bounds all attempts including waiting for credentials, signing and
         * backoff, and aborts the exchange in flight when it expires ({@link LatticeCallTimeoutException}). Defaults
         * to 60 seconds. A request's own {@link LatticeRequest.Builder#callTimeout} replaces it for that call.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder callTimeout(Duration timeout);

        /**
         * Sets the maximum number of attempts, counting the first. Defaults to 3; 1 disables retries.
         *
         * @param maxAttempts 1 or more
         * @return this builder
         */
        Builder maxAttempts(int maxAttempts);

        /**
         * Sets the largest response body the client reads into memory. Defaults to 10 MiB (VPC Lattice itself caps
         * responses at 6 MB). A longer body fails the call with a {@link LatticeClientException} naming the limit;
         * it is not retried and the connection is dropped rather than drained.
         *
         * @param bytes the limit in bytes, 1 or more
         * @return this builder
         */
        Builder maxResponseBodySize(int bytes);

        /**
         * Sets the base delay of the exponential backoff (full jitter). Defaults to 100 ms.
         *
         * @param base a positive duration
         * @return this builder
         * @see VpcLatticeClient.Builder#backoffBase(Duration)
         */
        Builder backoffBase(Duration base);

        /**
         * Sets the cap of a single backoff delay. Defaults to 5 seconds.
         *
         * @param max a duration not shorter than the base
         * @return this builder
         */
        Builder backoffMax(Duration max);

        /**
         * Sets the longest {@code Retry-After} the client honours; a longer one is shortened to this cap. Defaults to
         * 20 seconds. The client never waits past the call timeout: the last response is returned instead.
         *
         * @param cap a non-negative duration
         * @return this builder
         */
        Builder retryAfterCap(Duration cap);

        /**
         * Sets an async HTTP client the caller built and configured completely; it is not closed by
         * {@link VpcLatticeAsyncClient#close()}. Cannot be combined with the settings this client would apply to an
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
         * Adds the certificates in a PEM file to the certificates the client's HTTP client trusts, for example a
         * local Lattice's or a private CA's. The JVM's default trust stays, and nothing outside this client changes.
         * The file is read now. May be called more than once; each call adds.
         *
         * @param pemFile a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
         * @return this builder
         * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
         */
        Builder trustedCertificates(Path pemFile);

        /**
         * Adds certificates to those the client's HTTP client trusts, in addition to the JVM's default trust, for this
         * client only. May be called more than once; each call adds.
         *
         * @param certificates trust anchors, for example a private CA or a self-signed server certificate
         * @return this builder
         */
        Builder trustedCertificates(X509Certificate... certificates);

        /**
         * Adds trust managers that the client's HTTP client consults in addition to the JVM's default trust, for this
         * client only. May be called more than once; each call adds.
         *
         * @param trustManagers {@link javax.net.ssl.X509TrustManager}s
         * @return this builder
         * @throws IllegalArgumentException if one is not an {@code X509TrustManager}
         */
        Builder trustManagers(TrustManager... trustManagers);

        /**
         * Sets the one mapper that serializes {@link LatticeRequest.Builder#jsonBody(Object)} values and maps
         * {@link LatticeResponse#bodyAs(Class)}. Defaults to the library's shared mapper, created on first use.
         *
         * @param objectMapper the mapper
         * @return this builder
         */
        Builder objectMapper(ObjectMapper objectMapper);

        /**
         * Sets the clock used for signatures ({@code x-amz-date}). Defaults to the system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        Builder signingClock(Clock clock);

        /**
         * Sets whether the SigV4 canonical path encodes the request's already percent-encoded path a second time.
         * Defaults to {@code true}, the SDK default.
         *
         * @param enabled whether to encode the path twice
         * @return this builder
         * @see VpcLatticeClient.Builder#doubleUrlEncode(boolean)
         */
        Builder doubleUrlEncode(boolean enabled);

        /**
         * Turns X-Ray and OpenTelemetry tracing on or off together. Defaults to on; each also has its own switch, and a
         * tracer runs only when both are on.
         *
         * @param enabled whether to trace
         * @return this builder
         * @see VpcLatticeClient.Builder#tracing(boolean)
         */
        Builder tracing(boolean enabled);

        /**
         * Turns X-Ray tracing on or off. Defaults to on: a subsegment is recorded when the X-Ray recorder is on the
         * classpath and a segment is active on the thread that calls {@link VpcLatticeAsyncClient#send}; that thread's
         * X-Ray context is left as it was, and the subsegment ends when the call does, on whichever thread ends it.
         *
         * @param enabled whether to trace with the X-Ray recorder
         * @return this builder
         */
        Builder xRayTracing(boolean enabled);

        /**
         * Turns OpenTelemetry tracing on or off. Defaults to on: with {@code opentelemetry-api} on the classpath and a
         * global {@code OpenTelemetry} installed, each attempt is a CLIENT span whose parent is the context current on
         * the thread that calls {@link VpcLatticeAsyncClient#send}.
         *
         * @param enabled whether to trace with OpenTelemetry
         * @return this builder
         * @see VpcLatticeClient.Builder#openTelemetryTracing(boolean)
         */
        Builder openTelemetryTracing(boolean enabled);

        /**
         * Adds a listener that hears about every attempt of every call, as on the sync client, except that its methods
         * run on whichever thread the call is on at that point (the caller's, an I/O thread, the completion executor),
         * one at a time for a call, and before the call's future completes. None by default.
         *
         * @param listener the listener
         * @return this builder
         * @see VpcLatticeClient.Builder#addCallListener(LatticeCallListener)
         */
        Builder addCallListener(LatticeCallListener listener);

        /**
         * Adds header names whose values the wire log ({@code dev.vpclattice.client.wire} at DEBUG) replaces, besides
         * the credentials and cookies it always replaces.
         *
         * @param headerNames names such as {@code x-api-key}
         * @return this builder
         * @see VpcLatticeClient.Builder#wireLogRedactedHeaders(String...)
         */
        Builder wireLogRedactedHeaders(String... headerNames);

        /**
         * Sets the executor that completes the futures {@link VpcLatticeAsyncClient#send} returns, and so runs the
         * stages you chain to them without an executor of your own; it also starts retries after their backoff.
         * Defaults to a pool owned by the client of up to {@code max(4, 2 × CPUs)} daemon threads, started when needed
         * and ended after a minute idle, as the SDK's async clients keep their I/O threads free. {@code Runnable::run}
         * saves a thread hand-off per call, but then your stages run on the HTTP client's I/O threads and the library's
         * shared timer thread, where blocking stalls every call: use it only for stages that never block. An executor
         * you pass is not shut down by {@link VpcLatticeAsyncClient#close()}.
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
        VpcLatticeAsyncClient build();
    }
}
