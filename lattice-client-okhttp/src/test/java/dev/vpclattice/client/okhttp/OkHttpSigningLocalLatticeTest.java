package dev.vpclattice.client.okhttp;

import static dev.vpclattice.client.testing.EchoLattice.date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.testing.EchoLattice;
import dev.vpclattice.client.testing.LogCapture;
import dev.vpclattice.client.testing.RecordingSigner;
import dev.vpclattice.client.testing.SigningFixtures;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.logging.HttpLoggingInterceptor;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OkHttp 5 with the interceptor as a network interceptor, against a local Lattice under AWS_IAM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OkHttpSigningLocalLatticeTest {
    @RegisterExtension
    static final EchoLattice echo = EchoLattice.create("orders.example.com");

    @RegisterExtension
    static final LocalLatticeExtension lattice = echo.extension();

    /** The host client's own TLS trust, timeouts, application interceptors and network interceptors after ours. */
    static OkHttpClient client(LatticeRequestSigner signer, Interceptor... networkInterceptorsAfter) {
        X509TrustManager trust = (X509TrustManager) lattice.certificate().trustManagers()[0];
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .sslSocketFactory(lattice.certificate().sslContext().getSocketFactory(), trust)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(30))
                // The application's retry of a 503: the network interceptor signs each attempt again.
                .addInterceptor(chain -> {
                    Response response = chain.proceed(chain.request());
                    if (response.code() == 503) {
                        response.close();
                        return chain.proceed(chain.request());
                    }
                    return response;
                })
                .addNetworkInterceptor(LatticeOkHttpInterceptor.create(signer));
        for (Interceptor interceptor : networkInterceptorsAfter) {
            builder.addNetworkInterceptor(interceptor);
        }
        return builder.build();
    }

    static String call(OkHttpClient client, Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    static String url(String path) {
        return lattice.endpoint() + path;
    }

    /** A JSON body of unknown length, written as OkHttp sends it (chunked): nothing reads it to sign. */
    static RequestBody streamed(String json) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(json);
            }
        };
    }

    @Test
    void getAndStreamedJsonPost_areSignedAndAccepted() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            OkHttpClient client = client(signer);

            assertEquals(
                    "200 {\"seen\":\"GET /orders/7?b=2&a=1\"}",
                    call(
                            client,
                            new Request.Builder().url(url("/orders/7?b=2&a=1")).build()));
            assertEquals(
                    "200 {\"seen\":\"POST /orders\"}",
                    call(
                            client,
                            new Request.Builder()
                                    .url(url("/orders"))
                                    .post(streamed("{\"order\":7}"))
                                    .build()));

            VpcLatticeV2Request post = lattice.receivedEvents().get(1);
            assertEquals("{\"order\":7}", post.getBody());
            assertEquals(
                    lattice.allowedPrincipal(),
                    post.getRequestContext().getIdentity().getPrincipal());
            assertEquals(
                    "UNSIGNED-PAYLOAD",
                    post.getHeaders().get("x-amz-content-sha256").get(0));
        }
    }

    @Test
    void retry_isSignedAgainWithAFreshDate() throws Exception {
        echo.failNext(1);
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            assertEquals(
                    "200 {\"seen\":\"GET /retry\"}",
                    call(
                            client(signer),
                            new Request.Builder().url(url("/retry")).build()));

            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(2, events.size());
            assertNotEquals(date(events.get(0)), date(events.get(1)));
        }
    }

    @Test
    void wrongSecret_gets403() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(echo.wrongSecret())) {
            String answer =
                    call(client(signer), new Request.Builder().url(url("/")).build());
            assertTrue(answer.startsWith("403 "), answer);
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void plainHttp_failsTheCallWithAnIOException() {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + lattice.endpoint().getPort() + "/")
                    .build();
            IOException e = assertThrows(IOException.class, () -> call(client(signer), request));
            assertTrue(e.getCause() instanceof LatticeClientException, e.toString());
        }
    }

    @Test
    void hostOverride_isSignedAsSent() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            Request request = new Request.Builder()
                    .url(url("/override"))
                    .header("Host", "orders.example.com:" + lattice.endpoint().getPort())
                    .build();

            assertEquals("200 {\"seen\":\"GET /override\"}", call(client(signer), request));
            assertEquals(
                    List.of("orders.example.com:" + lattice.endpoint().getPort()),
                    lattice.receivedEvents().get(0).getHeaders().get("host"));
        }
    }

    @Test
    void plainHttp_withUserInfo_failsWithoutShowingIt() {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            Request request = new Request.Builder()
                    .url("http://user:hunter2@127.0.0.1:" + lattice.endpoint().getPort() + "/")
                    .build();
            IOException e = assertThrows(IOException.class, () -> call(client(signer), request));
            assertTrue(e.getMessage().contains("http://127.0.0.1:"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    /**
     * OkHttp's logging interceptor as a network interceptor after the signer, where it sees every signed header, with
     * the README's redaction: no secret, signature or token in any line, of accepted or refused requests.
     */
    @Test
    void headerLogging_afterTheSigner_withTheReadmesRedaction_logsNoSignature() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        HttpLoggingInterceptor logging =
                new HttpLoggingInterceptor(logged::add).setLevel(HttpLoggingInterceptor.Level.HEADERS);
        logging.redactHeader("Authorization");
        logging.redactHeader("X-Amz-Security-Token");
        try (LogCapture logs = LogCapture.start();
                RecordingSigner signer = echo.signer(lattice.credentials());
                RecordingSigner wrong = echo.signer(echo.wrongSecret())) {
            echo.failNext(1);
            call(
                    client(signer, logging),
                    new Request.Builder().url(url("/logged")).build());
            call(
                    client(signer, logging),
                    new Request.Builder()
                            .url(url("/logged"))
                            .post(streamed("{}"))
                            .build());
            String denied = call(
                    client(wrong, logging),
                    new Request.Builder().url(url("/logged")).build());
            List<String> secrets = SigningFixtures.secretsAndSignatures(lattice.credentials(), signer, wrong);

            assertTrue(denied.startsWith("403 "), denied);
            assertEquals(3, lattice.receivedEvents().size());
            assertEquals(3, wrong.secrets().size(), "the refused request's signature and token are looked for too");
            assertTrue(logged.contains("Authorization: ██"), () -> String.join("\n", logged));
            assertTrue(
                    logged.stream().anyMatch(line -> line.startsWith("X-Amz-Date: ")), () -> String.join("\n", logged));
            assertEquals(List.of(), linesContaining(logged, secrets));
            assertEquals(List.of(), logs.linesContaining(secrets));
        }
    }

    private static List<String> linesContaining(List<String> lines, List<String> values) {
        return lines.stream()
                .filter(line -> values.stream().anyMatch(line::contains))
                .toList();
    }
}
