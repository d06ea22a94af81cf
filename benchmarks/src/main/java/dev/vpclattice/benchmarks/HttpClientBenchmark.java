package dev.vpclattice.benchmarks;

import dev.vpclattice.benchmarks.internal.LoopbackHttpsServer;
import dev.vpclattice.benchmarks.internal.SampleEvents;
import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One POST (a 1 KB JSON body) over a kept-alive HTTPS connection to a loopback server that answers a constant 200:
 * the library ({@link LatticeClient}: request building, the cached credentials, SigV4, registering the call's
 * deadline with the shared timer, response copy) against the raw SDK HTTP client sending the same request unsigned. Each runs over its own HTTP
 * client instance of the same kind and configuration, so each keeps its own single connection alive.
 *
 * <p>Credentials come from the default provider chain (system properties set here), as in production where the
 * library resolves them from the environment once and then serves them from its cache. Both Apache5HttpClient (the library's default) and the
 * lighter UrlConnectionHttpClient are measured.
 *
 * <p>The async rows do the same through {@link LatticeAsyncClient} ({@code send(...).join()} on the benchmark thread,
 * the future completed on the client's default completion executor) over NettyNioAsyncHttpClient, its default, against
 * the raw Netty client. AwsCrtAsyncHttpClient is left out of this class: against this JDK {@code HttpsServer} it leaves about
 * one exchange in a few hundred unanswered, which turns an iteration into a timeout; {@link AsyncHttpClientComparison}
 * compares the two async clients against a LocalLattice instead.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpClientBenchmark {
    private LoopbackHttpsServer server;
    private byte[] body;
    private SdkHttpClient rawApache;
    private SdkHttpClient rawUrlConnection;
    private SdkHttpClient libraryApacheHttp;
    private SdkHttpClient libraryUrlConnectionHttp;
    private LatticeClient libraryApache;
    private LatticeClient libraryUrlConnection;
    private SdkHttpRequest rawRequest;
    private SdkHttpClient sdkSignedApache;
    private AwsV4HttpSigner signer;
    private AwsBasicCredentials credentials;
    private SdkAsyncHttpClient rawNetty;
    private SdkAsyncHttpClient libraryNettyHttp;
    private LatticeAsyncClient libraryNetty;

    /**
     * Starts the server and the clients and checks each answers 200, the library's signed.
     *
     * @throws IOException if a check request fails
     */
    @Setup
    public void setUp() throws IOException {
        System.setProperty("aws.accessKeyId", "AKIAFAKEBENCHMARK001");
        System.setProperty("aws.secretAccessKey", "FAKE-SECRET-benchmark-0001");
        server = LoopbackHttpsServer.start();
        body = SampleEvents.postJson(1024);
        rawApache = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        sdkSignedApache = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        signer = AwsV4HttpSigner.create();
        credentials = AwsBasicCredentials.create("AKIAFAKEBENCHMARK001", "FAKE-SECRET-benchmark-0001");
        rawUrlConnection = UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        libraryApacheHttp = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        libraryUrlConnectionHttp = UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        libraryApache = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .httpClient(libraryApacheHttp)
                .build();
        libraryUrlConnection = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .httpClient(libraryUrlConnectionHttp)
                .build();
        rawNetty = NettyNioAsyncHttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        libraryNettyHttp = NettyNioAsyncHttpClient.builder()
                .tlsTrustManagersProvider(server::trustManagers)
                .build();
        libraryNetty = LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .httpClient(libraryNettyHttp)
                .build();
        rawRequest = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("https")
                .host("localhost")
                .port(server.port())
                .encodedPath("/")
                .putHeader("content-type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();

        for (SdkHttpClient raw : new SdkHttpClient[] {rawApache, rawUrlConnection}) {
            int before = server.connections();
            for (int i = 0; i < 3; i++) {
                if (raw(raw) != LoopbackHttpsServer.ANSWER.length) {
                    throw new IllegalStateException("The raw client did not get the server's answer");
                }
            }
            keptAlive(raw.clientName() + " (raw)", server.connections() - before);
        }
        for (SdkAsyncHttpClient raw : new SdkAsyncHttpClient[] {rawNetty}) {
            int before = server.connections();
            for (int i = 0; i < 3; i++) {
                if (rawAsync(raw) != LoopbackHttpsServer.ANSWER.length) {
                    throw new IllegalStateException("The raw async client did not get the server's answer");
                }
            }
            keptAliveAsync(raw.clientName() + " (raw)", server.connections() - before);
        }
        long signedBefore = server.signedRequests();
        for (LatticeAsyncClient library : new LatticeAsyncClient[] {libraryNetty}) {
            int before = server.connections();
            for (int i = 0; i < 3; i++) {
                LatticeResponse response = libraryAsync(library);
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            "The async library got " + response.statusCode() + " from the" + " server");
                }
            }
            keptAliveAsync("NettyNio (async library)", server.connections() - before);
        }
        for (LatticeClient library : new LatticeClient[] {libraryApache, libraryUrlConnection}) {
            int before = server.connections();
            for (int i = 0; i < 3; i++) {
                LatticeResponse response = library(library);
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("The library got " + response.statusCode() + " from the server");
                }
            }
            keptAlive(
                    (library == libraryApache ? "Apache5" : "UrlConnection") + " (library)",
                    server.connections() - before);
        }
        if (server.signedRequests() != signedBefore + 9) {
            throw new IllegalStateException("The library's requests reached the server unsigned");
        }
    }

    /** Reports, in the benchmark's output, how many connections three sequential requests took. */
    private static void keptAlive(String client, int connections) {
        System.out.println("keep-alive check: " + client + " used " + connections + " connection(s) for 3 requests"
                + (connections == 1 ? "" : " (NOT kept alive)"));
    }

    /**
     * As {@link #keptAlive}, for an async client. Netty completes the answer before it returns the connection to its
     * pool, so the next request, sent at once from another thread, may open a second connection; both are then reused.
     */
    private static void keptAliveAsync(String client, int connections) {
        System.out.println("keep-alive check: " + client + " used " + connections + " connection(s) for 3 requests"
                + (connections <= 2 ? "" : " (NOT kept alive)"));
    }

    /** Closes the clients and the server. */
    @TearDown
    public void tearDown() {
        libraryApache.close();
        libraryUrlConnection.close();
        libraryNetty.close();
        for (SdkAsyncHttpClient c : new SdkAsyncHttpClient[] {rawNetty, libraryNettyHttp}) {
            c.close();
        }
        for (SdkHttpClient c : new SdkHttpClient[] {
            rawApache, rawUrlConnection, libraryApacheHttp, libraryUrlConnectionHttp, sdkSignedApache
        }) {
            c.close();
        }
        server.close();
    }

    private int raw(SdkHttpClient client) throws IOException {
        return send(client, rawRequest);
    }

    private int send(SdkHttpClient client, SdkHttpRequest request) throws IOException {
        HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder()
                        .request(request)
                        .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .build())
                .call();
        if (response.httpResponse().statusCode() != 200) {
            throw new IllegalStateException(
                    "The server answered " + response.httpResponse().statusCode());
        }
        try (InputStream in = response.responseBody().orElseThrow()) {
            return in.readAllBytes().length;
        }
    }

    private int rawAsync(SdkAsyncHttpClient client) {
        AsyncRequestBody content = AsyncRequestBody.fromBytesUnsafe(body);
        RawAnswer answer = new RawAnswer();
        client.execute(AsyncExecuteRequest.builder()
                        .request(rawRequest)
                        .requestContentPublisher(new SdkHttpContentPublisher() {
                            @Override
                            public Optional<Long> contentLength() {
                                return content.contentLength();
                            }

                            @Override
                            public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
                                content.subscribe(subscriber);
                            }
                        })
                        .responseHandler(answer)
                        .build())
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        answer.length.completeExceptionally(failure);
                    }
                });
        return answer.length.join();
    }

    /** Reads a raw async answer to the end and completes with its length; fails unless the status is 200. */
    private static final class RawAnswer implements SdkAsyncHttpResponseHandler {
        final CompletableFuture<Integer> length = new CompletableFuture<>();

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            if (headers.statusCode() != 200) {
                length.completeExceptionally(new IllegalStateException("The server answered " + headers.statusCode()));
            }
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            stream.subscribe(new Subscriber<ByteBuffer>() {
                private int read;

                @Override
                public void onSubscribe(Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer buffer) {
                    read += buffer.remaining();
                }

                @Override
                public void onError(Throwable failure) {
                    length.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    length.complete(read);
                }
            });
        }

        @Override
        public void onError(Throwable failure) {
            length.completeExceptionally(failure);
        }
    }

    private LatticeResponse libraryAsync(LatticeAsyncClient client) {
        return client.send(LatticeRequest.builder()
                        .method("POST")
                        .url(server.endpoint())
                        .header("content-type", "application/json")
                        .body(body)
                        .build())
                .join();
    }

    private LatticeResponse library(LatticeClient client) {
        return client.send(LatticeRequest.builder()
                .method("POST")
                .url(server.endpoint())
                .header("content-type", "application/json")
                .body(body)
                .build());
    }

    /**
     * Raw Apache5HttpClient, unsigned: the baseline.
     *
     * @return the answer's length
     * @throws IOException if the request fails
     */
    @Benchmark
    public int rawApache5HttpClient() throws IOException {
        return raw(rawApache);
    }

    /**
     * The library over Apache5HttpClient (its default HTTP client), signed.
     *
     * @return the response
     */
    @Benchmark
    public LatticeResponse libraryApache5HttpClient() {
        return library(libraryApache);
    }

    /**
     * Raw Apache5HttpClient, signed on every call by the SDK's SigV4 signer as Lattice requires, and nothing else: the
     * least any correct Lattice client spends, so the library's own cost is what it adds to this.
     *
     * @return the answer's length
     * @throws IOException if the request fails
     */
    @Benchmark
    public int sdkSignedApache5HttpClient() throws IOException {
        SdkHttpRequest signed = signer.sign(SignRequest.builder(credentials)
                        .request(rawRequest.toBuilder()
                                .putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                                .build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .build())
                .request();
        return send(sdkSignedApache, signed);
    }

    /**
     * Raw UrlConnectionHttpClient, unsigned.
     *
     * @return the answer's length
     * @throws IOException if the request fails
     */
    @Benchmark
    public int rawUrlConnectionHttpClient() throws IOException {
        return raw(rawUrlConnection);
    }

    /**
     * The library over UrlConnectionHttpClient, signed.
     *
     * @return the response
     */
    @Benchmark
    public LatticeResponse libraryUrlConnectionHttpClient() {
        return library(libraryUrlConnection);
    }

    /**
     * Raw NettyNioAsyncHttpClient, unsigned, waited for with {@code join()}: the async baseline.
     *
     * @return the answer's length
     */
    @Benchmark
    public int rawNettyNioAsyncHttpClient() {
        return rawAsync(rawNetty);
    }

    /**
     * The async library over NettyNioAsyncHttpClient (its default HTTP client), signed, waited for with {@code join()}.
     *
     * @return the response
     */
    @Benchmark
    public LatticeResponse libraryNettyNioAsyncHttpClient() {
        return libraryAsync(libraryNetty);
    }
}
