package dev.vpclattice.client.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.X509TrustManager;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.logging.HttpLoggingInterceptor;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** OkHttp 5 with the interceptor as a network interceptor, against a local Lattice under AWS_IAM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OkHttpSigningLocalLatticeTest {
    static final AtomicInteger failNext = new AtomicInteger();

    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-central-1")
            .target(event -> failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? VpcLatticeV2Response.builder().statusCode(503).build()
                    : VpcLatticeV2Response.builder()
                            .statusCode(200)
                            .header("content-type", "application/json")
                            .body("{\"seen\":\"" + event.getMethod() + " " + event.getPath() + "\"}")
                            .build())
            .build();

    @AfterEach
    void reset() {
        failNext.set(0);
    }

    /** A clock that moves a second further on every reading, so that each signature has its own date. */
    static Clock ticking() {
        AtomicLong seconds = new AtomicLong(Instant.now().getEpochSecond() - 60);
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(seconds.incrementAndGet());
            }
        };
    }

    static LatticeRequestSigner signer(AwsCredentialsProvider credentials) {
        return LatticeRequestSigner.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(credentials)
                .signingClock(ticking())
                .build();
    }

    static AwsCredentialsProvider wrongSecret() {
        AwsSessionCredentials allowed =
                (AwsSessionCredentials) lattice.credentials().resolveCredentials();
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                allowed.accessKeyId(), "not-the-secret-000000000000000000000000", allowed.sessionToken()));
    }

    static String date(VpcLatticeV2Request event) {
        return event.getHeaders().get("x-amz-date").get(0);
    }

    static List<String> secretsAndSignatures() {
        AwsSessionCredentials allowed =
                (AwsSessionCredentials) lattice.credentials().resolveCredentials();
        List<String> secrets = new ArrayList<>(List.of(allowed.secretAccessKey(), allowed.sessionToken()));
        for (VpcLatticeV2Request event : lattice.receivedEvents()) {
            String authorization = event.getHeaders().get("authorization").get(0);
            secrets.add(authorization);
            secrets.add(authorization.substring(authorization.indexOf("Signature=") + "Signature=".length()));
        }
        return secrets;
    }

    /** The host client's own TLS trust, timeouts and (application) interceptors. */
    static OkHttpClient client(LatticeRequestSigner signer) {
        X509TrustManager trust = (X509TrustManager) lattice.certificate().trustManagers()[0];
        return new OkHttpClient.Builder()
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
                .addInterceptor(new HttpLoggingInterceptor().setLevel(HttpLoggingInterceptor.Level.HEADERS))
                .addNetworkInterceptor(LatticeSigningInterceptor.create(signer))
                .build();
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
        try (LatticeRequestSigner signer = signer(lattice.credentials())) {
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
        failNext.set(1);
        try (LatticeRequestSigner signer = signer(lattice.credentials())) {
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
        try (LatticeRequestSigner signer = signer(wrongSecret())) {
            String answer =
                    call(client(signer), new Request.Builder().url(url("/")).build());
            assertTrue(answer.startsWith("403 "), answer);
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void plainHttp_failsTheCallWithAnIOException() {
        try (LatticeRequestSigner signer = signer(lattice.credentials())) {
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + lattice.endpoint().getPort() + "/")
                    .build();
            IOException e = assertThrows(IOException.class, () -> call(client(signer), request));
            assertTrue(e.getCause() instanceof LatticeClientException, e.toString());
        }
    }

    @Test
    void signatureValues_neverReachALogLine() throws Exception {
        try (LogCapture logs = LogCapture.start();
                LatticeRequestSigner signer = signer(lattice.credentials());
                LatticeRequestSigner wrong = signer(wrongSecret())) {
            failNext.set(1);
            call(client(signer), new Request.Builder().url(url("/logged")).build());
            call(
                    client(signer),
                    new Request.Builder()
                            .url(url("/logged"))
                            .post(streamed("{}"))
                            .build());
            call(client(wrong), new Request.Builder().url(url("/logged")).build());
            List<String> secrets = secretsAndSignatures();

            assertEquals(3, lattice.receivedEvents().size());
            assertTrue(
                    logs.lines().stream().anyMatch(line -> line.contains("--> GET")),
                    "the logging interceptor's lines were captured");
            assertTrue(logs.linesContaining(secrets).isEmpty(), () -> String.join("\n", logs.linesContaining(secrets)));
        }
    }
}
