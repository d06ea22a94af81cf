package dev.vpclattice.client.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Apache HttpClient 5 classic with the interceptor added last, against a local Lattice under AWS_IAM. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class Apache5SigningLocalLatticeTest {
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

    /** The host client's own TLS trust, timeouts and retry strategy (503 for idempotent methods). */
    static CloseableHttpClient client(LatticeRequestSigner signer) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(
                                lattice.certificate().sslContext()))
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofSeconds(30))
                        .build())
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(2, TimeValue.ofMilliseconds(10)))
                .addRequestInterceptorLast(LatticeSigningInterceptor.create(signer))
                .build();
    }

    static String call(CloseableHttpClient client, ClassicHttpRequest request) throws IOException {
        return client.execute(
                request, response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
    }

    static String url(String path) {
        return lattice.endpoint() + path;
    }

    /**
     * A JSON body of unknown length: the client streams it chunked, nothing reads it to sign. Its content type has no
     * charset: the local Lattice's HTTP server reports {@code charset=UTF-8} in lower case to its verifier, so a
     * signature over the upper-case value that HttpClient sends would not verify there.
     */
    static HttpPost streamedPost(String path, String json) {
        HttpPost post = new HttpPost(url(path));
        post.setEntity(new InputStreamEntity(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), -1, ContentType.create("application/json")));
        return post;
    }

    @Test
    void getAndStreamedJsonPost_areSignedAndAccepted() throws Exception {
        try (LatticeRequestSigner signer = signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            assertEquals(
                    "200 {\"seen\":\"GET /orders/7?b=2&a=1\"}", call(client, new HttpGet(url("/orders/7?b=2&a=1"))));
            assertEquals("200 {\"seen\":\"POST /orders\"}", call(client, streamedPost("/orders", "{\"order\":7}")));

            VpcLatticeV2Request post = lattice.receivedEvents().get(1);
            assertEquals("{\"order\":7}", post.getBody());
            assertEquals(
                    lattice.allowedPrincipal(),
                    post.getRequestContext().getIdentity().getPrincipal());
        }
    }

    @Test
    void retryByTheClientsRetryStrategy_isSignedAgainWithAFreshDate() throws Exception {
        failNext.set(1);
        try (LatticeRequestSigner signer = signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            assertEquals("200 {\"seen\":\"GET /retry\"}", call(client, new HttpGet(url("/retry"))));

            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(2, events.size());
            assertNotEquals(date(events.get(0)), date(events.get(1)));
        }
    }

    @Test
    void wrongSecret_gets403() throws Exception {
        try (LatticeRequestSigner signer = signer(wrongSecret());
                CloseableHttpClient client = client(signer)) {
            String answer = call(client, new HttpGet(url("/")));
            assertTrue(answer.startsWith("403 "), answer);
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void signatureValues_neverReachALogLine() throws Exception {
        // HttpClient's own header and wire loggers print every header at DEBUG, Authorization included: the README
        // asks to keep them off; everything else logs at every level here.
        Logger headers = Logger.getLogger("org.apache.hc.client5.http.headers");
        Logger wire = Logger.getLogger("org.apache.hc.client5.http.wire");
        try (LogCapture logs = LogCapture.start();
                LatticeRequestSigner signer = signer(lattice.credentials());
                LatticeRequestSigner wrong = signer(wrongSecret());
                CloseableHttpClient client = client(signer);
                CloseableHttpClient denied = client(wrong)) {
            headers.setLevel(Level.INFO);
            wire.setLevel(Level.INFO);
            failNext.set(1);
            call(client, new HttpGet(url("/logged")));
            call(client, streamedPost("/logged", "{}"));
            call(denied, new HttpGet(url("/logged")));
            List<String> secrets = secretsAndSignatures();

            assertEquals(3, lattice.receivedEvents().size());
            assertTrue(
                    logs.lines().stream().anyMatch(line -> line.startsWith("org.apache.hc.client5")),
                    "the client's DEBUG lines were captured");
            assertTrue(logs.linesContaining(secrets).isEmpty(), () -> String.join("\n", logs.linesContaining(secrets)));
        } finally {
            headers.setLevel(null);
            wire.setLevel(null);
        }
    }
}
