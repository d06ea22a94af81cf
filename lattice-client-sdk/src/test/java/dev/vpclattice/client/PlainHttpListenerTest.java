package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.jdk.LatticeJdkHttpSigner;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.ListenerProtocol;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;

/**
 * A Lattice listener on plain HTTP with auth type AWS_IAM: signed in the https form of the request when
 * {@code signPlainHttp(true)} is set, by the client and by the signing core, and refused before sending otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainHttpListenerTest {
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-central-1")
            .listener(ListenerProtocol.HTTP)
            .target(event -> VpcLatticeV2Response.builder()
                    .statusCode(200)
                    .body(event.getMethod() + " " + event.getPath())
                    .build())
            .build();

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .tracing(false);
    }

    @Test
    void client_withSignPlainHttp_signsAJsonPost_withUnsignedPayload() {
        assertEquals("http", lattice.endpoint().getScheme());
        try (LatticeClient client = client().signPlainHttp(true).build()) {
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(lattice.endpoint() + "/orders?id=1")
                    .jsonBody(Map.of("order", 1))
                    .build());

            assertEquals(200, response.statusCode(), response.bodyAsString());
            assertEquals("POST /orders?id=1", response.bodyAsString());
            VpcLatticeV2Request event = lattice.receivedEvents().get(0);
            assertEquals(
                    "UNSIGNED-PAYLOAD",
                    event.getHeaders().get("x-amz-content-sha256").get(0));
            assertEquals(
                    lattice.allowedPrincipal(),
                    event.getRequestContext().getIdentity().getPrincipal());
        }
    }

    @Test
    void client_withoutSignPlainHttp_refusesBeforeSending() {
        try (LatticeClient client = client().build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .method("GET")
                            .url(lattice.endpoint() + "/")
                            .build()));
            assertTrue(e.getMessage().contains("signPlainHttp(true)"), e.getMessage());
            assertEquals(0, e.attempts());
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void jdkSigner_withSignPlainHttp_signsAPost() throws Exception {
        try (LatticeRequestSigner core = LatticeRequestSigner.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .hosts(LatticeHosts.of("127.0.0.1"))
                .signPlainHttp(true)
                .build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(lattice.endpoint() + "/jdk"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                    .build();

            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(LatticeJdkHttpSigner.create(core).sign(request), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"a\":1}", lattice.receivedEvents().get(0).getBody());
        }
    }
}
