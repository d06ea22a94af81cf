package dev.vpclattice.client.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.testing.EchoLattice;
import dev.vpclattice.client.testing.LogCapture;
import dev.vpclattice.client.testing.RecordingSigner;
import dev.vpclattice.client.testing.SigningFixtures;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;

/** The JDK's HttpClient, its requests signed by {@link LatticeJdkHttpSigner}, against a local Lattice under AWS_IAM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeJdkHttpSignerLocalLatticeTest {
    @RegisterExtension
    static final EchoLattice echo = EchoLattice.create();

    @RegisterExtension
    static final LocalLatticeExtension lattice = echo.extension();

    static HttpClient http;

    @BeforeAll
    static void start() {
        // The host client's own TLS trust and timeouts; the signer knows nothing of them.
        http = HttpClient.newBuilder()
                .sslContext(lattice.certificate().sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    static URI uri(String pathAndQuery) {
        return URI.create(lattice.endpoint() + pathAndQuery);
    }

    @Test
    void get_isSignedAndAccepted() throws Exception {
        try (LatticeRequestSigner core =
                echo.signerBuilder(lattice.credentials()).build()) {
            LatticeJdkHttpSigner signer = LatticeJdkHttpSigner.create(core);
            HttpRequest request = HttpRequest.newBuilder(uri("/orders/7?b=2&a=1"))
                    .header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .build();

            HttpResponse<String> response = http.send(signer.sign(request), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode(), response.body());
            VpcLatticeV2Request event = lattice.receivedEvents().get(0);
            assertEquals(
                    lattice.allowedPrincipal(),
                    event.getRequestContext().getIdentity().getPrincipal());
            assertEquals(
                    "UNSIGNED-PAYLOAD",
                    event.getHeaders().get("x-amz-content-sha256").get(0));
        }
    }

    @Test
    void jsonPost_withAStreamedBody_isSignedAndAccepted() throws Exception {
        byte[] json = "{\"order\":7,\"items\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8);
        try (LatticeRequestSigner core =
                echo.signerBuilder(lattice.credentials()).build()) {
            LatticeJdkHttpSigner signer = LatticeJdkHttpSigner.create(core);
            // A publisher of unknown length: the JDK client streams it (chunked), nothing reads it for signing.
            HttpRequest request = HttpRequest.newBuilder(uri("/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json)))
                    .build();

            HttpResponse<String> response = signer.signAsync(request)
                    .thenCompose(signed -> http.sendAsync(signed, HttpResponse.BodyHandlers.ofString()))
                    .get(30, TimeUnit.SECONDS);

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"seen\":\"POST /orders\"}", response.body());
            VpcLatticeV2Request event = lattice.receivedEvents().get(0);
            assertEquals(new String(json, StandardCharsets.UTF_8), event.getBody());
        }
    }

    @Test
    void retry_isSignedAgain_withAFreshDate() throws Exception {
        echo.failNext(1);
        try (LatticeRequestSigner core = echo.signerBuilder(lattice.credentials())
                .signingClock(SigningFixtures.ticking())
                .build()) {
            LatticeJdkHttpSigner signer = LatticeJdkHttpSigner.create(core);
            HttpRequest request = HttpRequest.newBuilder(uri("/retry")).build();

            // The application's retry loop: the JDK client has none for an answered request.
            HttpResponse<String> response = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                response = http.send(signer.sign(request), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503) {
                    break;
                }
            }

            assertEquals(200, response.statusCode());
            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(2, events.size());
            assertNotEquals(
                    events.get(0).getHeaders().get("x-amz-date"),
                    events.get(1).getHeaders().get("x-amz-date"));
        }
    }

    @Test
    void wrongSecret_gets403() throws Exception {
        try (LatticeRequestSigner core = echo.signerBuilder(echo.wrongSecret()).build()) {
            HttpResponse<String> response = http.send(
                    LatticeJdkHttpSigner.create(core)
                            .sign(HttpRequest.newBuilder(uri("/")).build()),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(403, response.statusCode(), response.body());
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void hostNotNamed_isSentUnsigned_andDenied() throws Exception {
        try (LatticeRequestSigner core = echo.signerBuilder(lattice.credentials())
                .hosts(LatticeHosts.of("orders.example.com"))
                .build()) {
            HttpRequest request = HttpRequest.newBuilder(uri("/")).build();
            HttpRequest signed = LatticeJdkHttpSigner.create(core).sign(request);

            assertTrue(signed == request);
            assertEquals(
                    403, http.send(signed, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void byDefault_onlyTheServiceDomainOfTheRegionIsSigned() throws Exception {
        try (LatticeRequestSigner core = LatticeRequestSigner.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .build()) {
            HttpRequest request = HttpRequest.newBuilder(uri("/")).build();

            assertTrue(LatticeJdkHttpSigner.create(core).sign(request) == request, "127.0.0.1 is not signed");
            assertTrue(core.signs(
                    URI.create("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-central-1.on.aws/")));
        }
    }

    @Test
    void plainHttp_isRefusedBeforeSending() {
        try (LatticeRequestSigner core =
                echo.signerBuilder(lattice.credentials()).build()) {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + lattice.endpoint().getPort() + "/"))
                    .build();
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> LatticeJdkHttpSigner.create(core).sign(request));
            assertTrue(e.getMessage().contains("must use https"), e.getMessage());
        }
    }

    /**
     * With every logger at every level, the AWS SDK's signer included, no line of this library's or of the JDK
     * client's carries a secret. (At DEBUG the SDK signer prints canonical requests, which hold the session token:
     * the README asks to keep that logger at INFO, and only its lines are left out here.)
     */
    @Test
    void signatureValues_reachNoLogLineButTheSdkSignersOwn() throws Exception {
        try (LogCapture logs = LogCapture.withSdkSignerDebug();
                RecordingSigner core = new RecordingSigner(
                        echo.signerBuilder(lattice.credentials()).build());
                RecordingSigner wrong = new RecordingSigner(
                        echo.signerBuilder(echo.wrongSecret()).build())) {
            LatticeJdkHttpSigner signer = LatticeJdkHttpSigner.create(core);
            echo.failNext(1);
            for (int i = 0; i < 2; i++) {
                http.send(
                        signer.sign(
                                HttpRequest.newBuilder(uri("/logged?i=" + i)).build()),
                        HttpResponse.BodyHandlers.ofString());
            }
            http.send(
                    signer.sign(HttpRequest.newBuilder(uri("/logged"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build()),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> denied = http.send(
                    LatticeJdkHttpSigner.create(wrong)
                            .sign(HttpRequest.newBuilder(uri("/logged")).build()),
                    HttpResponse.BodyHandlers.ofString());
            assertThrows(
                    LatticeClientException.class,
                    () -> signer.sign(HttpRequest.newBuilder(URI.create("http://127.0.0.1/"))
                            .build()));
            List<String> secrets = SigningFixtures.secretsAndSignatures(lattice.credentials(), core, wrong);

            assertEquals(403, denied.statusCode());
            assertEquals(3, lattice.receivedEvents().size());
            assertEquals(3, wrong.secrets().size(), "the refused request's signature and token are looked for too");
            List<String> leaked = logs.linesContaining(secrets).stream()
                    .filter(line -> !line.startsWith(LogCapture.SDK_SIGNER_LOGGER))
                    .toList();
            assertEquals(List.of(), leaked);
        }
    }
}
