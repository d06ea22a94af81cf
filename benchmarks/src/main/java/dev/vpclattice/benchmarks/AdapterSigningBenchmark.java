package dev.vpclattice.benchmarks;

import dev.vpclattice.benchmarks.internal.LoopbackHttpsServer;
import dev.vpclattice.client.apache5.LatticeApache5Interceptor;
import dev.vpclattice.client.jdk.LatticeJdkHttpSigner;
import dev.vpclattice.client.okhttp.LatticeOkHttpInterceptor;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSpringInterceptor;
import dev.vpclattice.client.spring.LatticeWebClientFilter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
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
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;

/**
 * One POST (a 1 KB JSON body) per call over a kept-alive HTTPS connection to a loopback server that answers a constant
 * 200, through each HTTP client an adapter serves, three ways on the same kind of client: {@code <client>Unsigned},
 * {@code <client>Hand} (the hand-written code of the VPC Lattice User Guide's Java example: {@link AwsV4HttpSigner}
 * with {@code PAYLOAD_SIGNING_ENABLED=false}, the signed headers copied onto the request, in the same hook the adapter
 * uses) and {@code <client>Adapter}, for the clients {@code ok}, {@code apache}, {@code jdk}, {@code spring} (RestClient)
 * and {@code webClient}. The budget is {@code <client>Adapter} at most 1.05x {@code <client>Hand}, from the same run.
 * Its iterations are short, to keep {@code make bench} short; pass {@code -wi}, {@code -i} and {@code -r} for a closer
 * look.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AdapterSigningBenchmark {
    private static final String KEY_ID = "AKIAFAKEBENCHMARK001";
    private static final String SECRET = "FAKE-SECRET-benchmark-0001";

    private LoopbackHttpsServer server;
    private URI uri;
    private byte[] body;
    private LatticeRequestSigner signer;
    private AwsV4HttpSigner handSigner;
    private AwsBasicCredentials credentials;

    private OkHttpClient okUnsigned;
    private OkHttpClient okHand;
    private OkHttpClient okAdapter;
    private CloseableHttpClient apacheUnsigned;
    private CloseableHttpClient apacheHand;
    private CloseableHttpClient apacheAdapter;
    private HttpClient jdk;
    private LatticeJdkHttpSigner jdkAdapter;
    private RestClient springUnsigned;
    private RestClient springHand;
    private RestClient springAdapter;
    private WebClient webClientUnsigned;
    private WebClient webClientHand;
    private WebClient webClientAdapter;

    /**
     * Starts the server and the clients, and checks that each answers 200 and that the signed ones arrive signed.
     *
     * @throws Exception if a check fails
     */
    @Setup
    public void setUp() throws Exception {
        server = LoopbackHttpsServer.start();
        uri = URI.create("https://localhost:" + server.port() + "/orders");
        body = ("{\"padding\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);
        credentials = AwsBasicCredentials.create(KEY_ID, SECRET);
        handSigner = AwsV4HttpSigner.create();
        signer = LatticeRequestSigner.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .hosts(LatticeHosts.of("localhost"))
                .build();
        SSLContext tls = tls();
        X509TrustManager trust = (X509TrustManager) server.trustManagers()[0];

        okUnsigned = ok(tls, trust, null);
        okHand = ok(tls, trust, chain -> {
            Request request = chain.request();
            Request.Builder signed = request.newBuilder();
            handSign(request.method(), request.url().uri(), request.headers().toMultimap())
                    .forEach(signed::header);
            return chain.proceed(signed.build());
        });
        okAdapter = ok(tls, trust, LatticeOkHttpInterceptor.create(signer));

        apacheUnsigned = apache(tls, null);
        apacheHand = apache(tls, (request, entity, context) -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header header : request.getHeaders()) {
                headers.computeIfAbsent(header.getName(), name -> new java.util.ArrayList<>())
                        .add(header.getValue());
            }
            try {
                handSign(request.getMethod(), request.getUri(), headers).forEach(request::setHeader);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
        apacheAdapter = apache(tls, LatticeApache5Interceptor.create(signer));

        jdk = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        jdkAdapter = LatticeJdkHttpSigner.create(signer);

        springUnsigned = spring(null);
        springHand = spring((request, requestBody, execution) -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            request.getHeaders().forEach(headers::put);
            handSign(request.getMethod().name(), request.getURI(), headers).forEach(request.getHeaders()::set);
            return execution.execute(request, requestBody);
        });
        springAdapter = spring(LatticeSpringInterceptor.create(signer));

        webClientUnsigned = webClient(null);
        webClientHand = webClient((request, next) -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            request.headers().forEach(headers::put);
            Map<String, String> add = handSign(request.method().name(), request.url(), headers);
            return next.exchange(ClientRequest.from(request)
                    .headers(signed -> add.forEach(signed::set))
                    .build());
        });
        webClientAdapter = webClient(LatticeWebClientFilter.create(signer));

        long signedBefore = server.signedRequests();
        int[] unsigned = {okUnsigned(), apacheUnsigned(), jdkUnsigned(), springUnsigned(), webClientUnsigned()};
        int[] signed = {
            okHand(),
            okAdapter(),
            apacheHand(),
            apacheAdapter(),
            jdkHand(),
            jdkAdapter(),
            springHand(),
            springAdapter(),
            webClientHand(),
            webClientAdapter()
        };
        for (int length : unsigned) {
            check(length);
        }
        for (int length : signed) {
            check(length);
        }
        if (server.signedRequests() != signedBefore + signed.length) {
            throw new IllegalStateException("A signed variant reached the server unsigned");
        }
    }

    private static void check(int length) {
        if (length != LoopbackHttpsServer.ANSWER.length) {
            throw new IllegalStateException("A client did not get the server's answer");
        }
    }

    private SSLContext tls() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, server.trustManagers(), null);
        return context;
    }

    private static OkHttpClient ok(SSLContext tls, X509TrustManager trust, Interceptor signing) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder().sslSocketFactory(tls.getSocketFactory(), trust);
        if (signing != null) {
            builder.addNetworkInterceptor(signing);
        }
        return builder.build();
    }

    private static CloseableHttpClient apache(SSLContext tls, HttpRequestInterceptor signing) {
        var builder = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                        .build());
        if (signing != null) {
            builder.addRequestInterceptorLast(signing);
        }
        return builder.build();
    }

    private RestClient spring(ClientHttpRequestInterceptor signing) throws GeneralSecurityException {
        RestClient.Builder builder = RestClient.builder()
                .requestFactory(new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                        .sslContext(tls())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()));
        if (signing != null) {
            builder.requestInterceptor(signing);
        }
        return builder.build();
    }

    private WebClient webClient(ExchangeFilterFunction signing) throws GeneralSecurityException {
        WebClient.Builder builder = WebClient.builder()
                .clientConnector(new JdkClientHttpConnector(HttpClient.newBuilder()
                        .sslContext(tls())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()));
        if (signing != null) {
            builder.filter(signing);
        }
        return builder.build();
    }

    /** The User Guide's Java example, per request: the SDK signer, payload signing off, the signed headers copied. */
    private Map<String, String> handSign(String method, URI target, Map<String, List<String>> headers) {
        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(target);
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                request.putHeader(name, values);
            }
        });
        SdkHttpRequest signed = handSigner
                .sign(r -> r.identity(credentials)
                        .request(request.build())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
                .request();
        Map<String, String> add = new LinkedHashMap<>();
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !headers.containsKey(name)) {
                add.put(name, values.get(0));
            }
        });
        return add;
    }

    private int okCall(OkHttpClient client) throws IOException {
        Request request = new Request.Builder()
                .url(uri.toString())
                .post(RequestBody.create(body, MediaType.get("application/json")))
                .build();
        try (Response response = client.newCall(request).execute()) {
            return response.body().bytes().length;
        }
    }

    private int apacheCall(CloseableHttpClient client) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(body, ContentType.create("application/json")));
        return client.execute(post, response -> EntityUtils.toByteArray(response.getEntity()).length);
    }

    private HttpRequest jdkRequest() {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private int jdkCall(HttpRequest request) throws IOException, InterruptedException {
        return jdk.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    private int springCall(RestClient client) {
        return client.post()
                .uri(uri)
                .header("Content-Type", "application/json")
                .body(body)
                .retrieve()
                .body(byte[].class)
                .length;
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int okUnsigned() throws IOException {
        return okCall(okUnsigned);
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int okHand() throws IOException {
        return okCall(okHand);
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int okAdapter() throws IOException {
        return okCall(okAdapter);
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int apacheUnsigned() throws IOException {
        return apacheCall(apacheUnsigned);
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int apacheHand() throws IOException {
        return apacheCall(apacheHand);
    }

    /** @return the answer's length @throws IOException on failure */
    @Benchmark
    public int apacheAdapter() throws IOException {
        return apacheCall(apacheAdapter);
    }

    /** @return the answer's length @throws Exception on failure */
    @Benchmark
    public int jdkUnsigned() throws Exception {
        return jdkCall(jdkRequest());
    }

    /** @return the answer's length @throws Exception on failure */
    @Benchmark
    public int jdkHand() throws Exception {
        HttpRequest request = jdkRequest();
        Map<String, String> add = handSign("POST", uri, request.headers().map());
        HttpRequest.Builder signed = HttpRequest.newBuilder(request, (name, value) -> true);
        add.forEach(signed::setHeader);
        return jdkCall(signed.build());
    }

    /** @return the answer's length @throws Exception on failure */
    @Benchmark
    public int jdkAdapter() throws Exception {
        return jdkCall(jdkAdapter.sign(jdkRequest()));
    }

    /** @return the answer's length */
    @Benchmark
    public int springUnsigned() {
        return springCall(springUnsigned);
    }

    /** @return the answer's length */
    @Benchmark
    public int springHand() {
        return springCall(springHand);
    }

    /** @return the answer's length */
    @Benchmark
    public int springAdapter() {
        return springCall(springAdapter);
    }

    private int webClientCall(WebClient client) {
        return client.post()
                .uri(uri)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(byte[].class)
                .block()
                .length;
    }

    /** @return the answer's length */
    @Benchmark
    public int webClientUnsigned() {
        return webClientCall(webClientUnsigned);
    }

    /** @return the answer's length */
    @Benchmark
    public int webClientHand() {
        return webClientCall(webClientHand);
    }

    /** @return the answer's length */
    @Benchmark
    public int webClientAdapter() {
        return webClientCall(webClientAdapter);
    }

    /**
     * Stops the clients and the server.
     *
     * @throws IOException if a client fails to close
     */
    @TearDown
    public void tearDown() throws IOException {
        apacheUnsigned.close();
        apacheHand.close();
        apacheAdapter.close();
        signer.close();
        server.close();
    }
}
