package dev.vpclattice.function.client;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.entities.Namespace;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.SegmentImpl;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.SubsegmentImpl;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * SnapStart priming: runs one whole call through the classes a real invocation uses, during init, so that they are
 * loaded, linked and initialised in the snapshot instead of on the first call after every restore.
 *
 * <p>The call goes from a throwaway client, of the same HTTP client kind as the function's, to a throwaway HTTPS
 * server on loopback in this JVM (a certificate generated at build time, {@code priming.p12}, used for nothing
 * else): the handler's own request building, signing with throwaway session credentials, the library's unsampled
 * X-Ray path (Lambda's trace header, {@code Sampled=0}), the HTTP client's request pipeline, a TLS handshake, the
 * response, the function's log line and result writing. The function's credentials path after a restore, the
 * environment provider failing and the container endpoint answering, runs against a throwaway endpoint on loopback.
 * X-Ray's recorder is initialised and a subsegment serialised, never emitted. The clients and servers are closed
 * before init ends: no connection, no credential and nothing of the real endpoint is in the snapshot; the function's
 * own client has opened nothing and resolved nothing.
 *
 * <p>What is left for the first call after a restore cannot be in a snapshot: the connection and TLS handshake to the
 * real endpoint, fetching the real credentials, and the round trip.
 */
final class Priming {
    private static final System.Logger LOG = System.getLogger(Priming.class.getName());
    private static final String KEYSTORE = "/priming.p12";
    private static final char[] KEYSTORE_PASSWORD = "priming".toCharArray();
    private static final byte[] BODY = "{\"priming\":[1,2.5,true,null,\"x\"]}".getBytes(StandardCharsets.UTF_8);
    private static final String ACCESS_KEY = "ASIAPRIMINGONLY00000";
    private static final String SECRET_KEY = "priming-only-not-a-secret";
    private static final String SESSION_TOKEN = "priming-only-not-a-session-token";
    /** The system properties the SDK reads before the environment variables of the same settings. */
    private static final String CONTAINER_URI_PROPERTY = "aws.containerCredentialsFullUri";

    private static final String CONTAINER_TOKEN_PROPERTY = "aws.containerAuthorizationToken";

    private Priming() {}

    /**
     * Primes the call path of a function configured as given. Failures are logged and swallowed: priming is an
     * optimisation, and a function that cannot prime still works.
     *
     * @param configuration the function's configuration (its HTTP client kind and region)
     * @param client the function's own client, whose signing path is primed without sending or resolving anything
     * @param post the function's request template, rebuilt for each call as the handler does
     */
    static void prime(ClientConfiguration configuration, LatticeClient client, LatticeRequest post) {
        long start = System.nanoTime();
        try {
            client.prime();
            primeCall(configuration, post);
            primeCredentials(System.getenv());
            primeXRay();
            LOG.log(System.Logger.Level.DEBUG, "primed in {0} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | IOException | GeneralSecurityException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "SnapStart priming skipped: {0}", e.toString());
        }
    }

    private static void primeCall(ClientConfiguration configuration, LatticeRequest post)
            throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Priming.class.getResourceAsStream(KEYSTORE)) {
            if (in == null) {
                throw new IOException(KEYSTORE + " is not in the artifact");
            }
            keyStore.load(in, KEYSTORE_PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, KEYSTORE_PASSWORD);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.start();
        // s2n verifies certificates in native code, which needs no warming, and the CRT client takes no trust of its
        // own: its priming client, which only ever talks to the server above, skips verification. The JSSE clients
        // trust the server's certificate on top of the JVM's, through the library.
        SdkHttpClient crt = configuration.httpClient() == ClientConfiguration.HttpClientKind.CRT
                ? HttpClients.Crt.trustingAllForPriming()
                : null;
        LatticeClient.Builder primerBuilder = LatticeClient.builder();
        if (crt != null) {
            primerBuilder.httpClient(crt);
        } else {
            primerBuilder
                    .httpClientBuilder(HttpClients.builder(configuration.httpClient()))
                    .trustManagers(trust.getTrustManagers());
        }
        boolean traceHeaderSet = false;
        try (LatticeClient primer = primerBuilder
                .region(configuration.region())
                .signingMode(configuration.signingMode())
                // Lambda's credentials are session credentials: the token is signed too.
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)))
                .callTimeout(Duration.ofSeconds(10))
                .maxAttempts(1)
                .build()) {
            // Lambda's runtime client sets this property for each invocation; during init there is none. An unsampled
            // header makes the call take the library's unsampled X-Ray path, as most real invocations do.
            if (System.getProperty(TRACE_HEADER_PROPERTY) == null && System.getenv("_X_AMZN_TRACE_ID") == null) {
                System.setProperty(
                        TRACE_HEADER_PROPERTY,
                        "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
                traceHeaderSet = true;
            }
            long start = System.nanoTime();
            LatticeResponse response = primer.send(post.toBuilder()
                    .url("https://127.0.0.1:" + server.getAddress().getPort() + "/")
                    .body(BODY)
                    .callTimeout(Duration.ofSeconds(10))
                    .build());
            ClientHandler.logLine(null, response, BODY.length, (System.nanoTime() - start) / 1_000);
            response.ensureSuccess();
            ClientHandler.writeResult(response, OutputStream.nullOutputStream());
        } finally {
            if (traceHeaderSet) {
                System.clearProperty(TRACE_HEADER_PROPERTY);
            }
            if (crt != null) {
                crt.close();
            }
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Where Lambda's Java runtime client puts each invocation's trace header. */
    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

    /**
     * Runs the function's credentials path as a restored SnapStart environment will: {@link LambdaCredentials} finds
     * no keys in the environment (Lambda serves SnapStart functions none) and asks the container endpoint, which
     * builds the SDK's container provider and its JSON parser, makes an HTTP request and parses the answer. A
     * throwaway provider asks a throwaway endpoint on loopback, named, with a throwaway token, in the system
     * properties that the SDK reads before the environment variables of the same settings; they are removed again,
     * and the function's own provider, which has not been called, reads the real ones after the restore.
     *
     * <p>Skipped where it could touch real credentials: when the environment has keys (then they are what the
     * function uses, and reading them costs nothing worth priming), when the properties are already set, or when a
     * relative container URI (an ECS endpoint, which the SDK prefers) is configured.
     */
    static boolean primeCredentials(Map<String, String> environment) throws IOException {
        if (environment.containsKey("AWS_ACCESS_KEY_ID")
                || environment.containsKey("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                || System.getProperty("aws.containerCredentialsPath") != null
                || System.getProperty(CONTAINER_URI_PROPERTY) != null
                || System.getProperty(CONTAINER_TOKEN_PROPERTY) != null) {
            return false;
        }
        String token = "priming-only-" + UUID.randomUUID();
        String expiration = Instant.now()
                .plus(Duration.ofHours(1))
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        byte[] answer = ("{\"AccessKeyId\":\"" + ACCESS_KEY + "\",\"SecretAccessKey\":\"" + SECRET_KEY
                        + "\",\"Token\":\"" + SESSION_TOKEN + "\",\"Expiration\":\"" + expiration + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        endpoint.setExecutor(executor);
        endpoint.createContext("/", exchange -> {
            boolean ours = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ours ? answer : new byte[0];
            exchange.sendResponseHeaders(ours ? 200 : 403, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        try (LambdaCredentials credentials = LambdaCredentials.create()) {
            System.setProperty(
                    CONTAINER_URI_PROPERTY,
                    "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/2021-04-23/credentials");
            System.setProperty(CONTAINER_TOKEN_PROPERTY, token);
            credentials.resolveCredentials();
            return true;
        } finally {
            System.clearProperty(CONTAINER_URI_PROPERTY);
            System.clearProperty(CONTAINER_TOKEN_PROPERTY);
            endpoint.stop(0);
            executor.shutdownNow();
        }
    }

    /** Initialises the global recorder (sampling rules, emitter) and serialises a subsegment, emitting nothing. */
    private static void primeXRay() {
        AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
        Segment segment = new SegmentImpl(recorder, "priming");
        Subsegment subsegment = new SubsegmentImpl(recorder, "priming.invalid", segment);
        subsegment.setNamespace(Namespace.REMOTE.toString());
        subsegment.putHttp("request", Map.of("url", "https://priming.invalid/", "method", "POST"));
        subsegment.putHttp("response", Map.of("status", 200, "content_length", BODY.length));
        subsegment.end();
        subsegment.serialize();
    }
}
