package dev.vpclattice.function.client;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.entities.Namespace;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.SegmentImpl;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.SubsegmentImpl;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.VpcLatticeClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * SnapStart priming: runs one whole call through the classes a real invocation uses, during init, so that they are
 * loaded, linked and initialised in the snapshot instead of on the first call after every restore.
 *
 * <p>The call goes from a throwaway client, of the same HTTP client kind as the function's, to a throwaway HTTPS
 * server on loopback in this JVM (a certificate generated at build time, {@code priming.p12}, used for nothing
 * else): signing with throwaway credentials, the HTTP client's request pipeline, a TLS handshake, the response, and
 * the function's result writing. X-Ray's recorder is initialised and a subsegment serialised, never emitted. Both
 * the client and the server are closed before init ends: no connection, no credential and nothing of the real
 * endpoint is in the snapshot; the function's own client has opened nothing.
 */
final class Priming {
    private static final System.Logger LOG = System.getLogger(Priming.class.getName());
    private static final String KEYSTORE = "/priming.p12";
    private static final char[] KEYSTORE_PASSWORD = "priming".toCharArray();
    private static final byte[] BODY = "{\"priming\":[1,2.5,true,null,\"x\"]}".getBytes(StandardCharsets.UTF_8);

    private Priming() {
    }

    /**
     * Primes the call path of a function configured as given. Failures are logged and swallowed: priming is an
     * optimisation, and a function that cannot prime still works.
     *
     * @param configuration the function's configuration (its HTTP client kind and region)
     * @param client the function's own client, whose signing path is primed without sending or resolving anything
     */
    static void prime(ClientConfiguration configuration, VpcLatticeClient client) {
        long start = System.nanoTime();
        try {
            client.prime();
            primeCall(configuration);
            primeCredentialsChain();
            primeXRay();
            LOG.log(System.Logger.Level.DEBUG, "primed in {0} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | IOException | GeneralSecurityException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "SnapStart priming skipped: {0}", e.toString());
        }
    }

    private static void primeCall(ClientConfiguration configuration) throws IOException, GeneralSecurityException {
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
        Supplier<TrustManager[]> trustManagers = trust::getTrustManagers;
        SdkHttpClient http = switch (configuration.httpClient()) {
            // s2n verifies certificates in native code, which needs no warming, and the CRT client takes no trust of
            // its own: this client, which only ever talks to the server above, skips verification.
            case CRT -> HttpClients.Crt.create(true);
            case APACHE5 -> HttpClients.Apache5.create(trustManagers);
            case URL_CONNECTION -> HttpClients.UrlConnection.create(trustManagers);
        };
        try (VpcLatticeClient primer = VpcLatticeClient.builder()
                .region(configuration.region())
                .signingMode(configuration.signingMode())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDPRIMINGONLY00000", "priming-only-not-a-secret")))
                .httpClient(http)
                .callTimeout(Duration.ofSeconds(10))
                .maxAttempts(1)
                .build()) {
            LatticeResponse response = primer.send(LatticeRequest.builder()
                    .method("POST")
                    .url("https://127.0.0.1:" + server.getAddress().getPort() + "/")
                    .header("content-type", "application/json")
                    .body(BODY)
                    .build());
            response.ensureSuccess();
            ClientHandler.writeResult(response, OutputStream.nullOutputStream());
        } finally {
            http.close();
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /**
     * The default credentials chain builds its providers (system properties, environment, web identity, profile,
     * container endpoint with its JSON parser, instance metadata) on its first resolution: ~150 classes. A throwaway
     * chain resolves here from throwaway {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties, the
     * first link, so it never reads the environment's or the container endpoint's real credentials; the properties
     * are removed again before init ends. The function's own chain is untouched and resolves on its first call.
     */
    private static void primeCredentialsChain() {
        String[] names = {"aws.accessKeyId", "aws.secretAccessKey"};
        String[] previous = {System.getProperty(names[0]), System.getProperty(names[1])};
        if (previous[0] != null || previous[1] != null) {
            return;  // Someone configured credentials this way: leave them alone.
        }
        try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            System.setProperty(names[0], "AKIDPRIMINGONLY00000");
            System.setProperty(names[1], "priming-only-not-a-secret");
            chain.resolveCredentials();
        } finally {
            System.clearProperty(names[0]);
            System.clearProperty(names[1]);
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
