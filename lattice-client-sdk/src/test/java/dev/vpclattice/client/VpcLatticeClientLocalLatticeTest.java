package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalLattice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The client against the project's local VPC Lattice (module lattice-local), which re-computes SigV4 server-side from
 * the bytes on the wire, enforces the auth policy and delivers V2 events to a target.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VpcLatticeClientLocalLatticeTest {
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/client-function-role/client-function";
    static final String ALICE_KEY = "ASIALOCALLATTICE0001";
    static final String ALICE_SECRET = "local-lattice-alice-secret-000000000000";
    static final String ALICE_TOKEN = "local-lattice-alice-session-token-IQoJ";
    static final String MALLORY = "arn:aws:iam::123456789012:user/mallory";
    static final String MALLORY_KEY = "AKIALOCALLATTICE0002";
    static final String MALLORY_SECRET = "local-lattice-mallory-secret-0000000000";

    static final List<VpcLatticeV2Request> events = new CopyOnWriteArrayList<>();
    static LocalLattice lattice;
    static SdkHttpClient http;

    @BeforeAll
    static void start() throws Exception {
        lattice = LocalLattice.builder()
                .region("eu-central-1")
                .sessionCredential(ALICE_KEY, ALICE_SECRET, ALICE_TOKEN, ALICE)
                .credential(MALLORY_KEY, MALLORY_SECRET, MALLORY)
                .allow(ALICE)
                .target(event -> {
                    events.add(event);
                    return VpcLatticeV2Response.builder().statusCode(200).header("content-type", "application/json")
                            .body("{\"seen\":\"" + event.getMethod() + " " + event.getPath() + "\"}").build();
                })
                .build();
        http = Apache5HttpClient.builder().tlsTrustManagersProvider(lattice::trustManagers).build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (lattice != null) {
            lattice.close();
        }
    }

    @BeforeEach
    void reset() {
        events.clear();
    }

    private static VpcLatticeClient.Builder client(String key, String secret, String token) {
        return VpcLatticeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(token == null
                        ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, token)))
                .trustedCertificates(lattice.certificate().x509())
                .tracing(false);
    }

    @Test
    void signedPost_isAccepted_andTheEventCarriesTheSignersPrincipal() {
        try (VpcLatticeClient client = client(ALICE_KEY, ALICE_SECRET, ALICE_TOKEN).build()) {
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(lattice.endpoint())
                    .path("/orders/a%20b")
                    .queryParameter("z", "2")
                    .queryParameter("a", "1 1")
                    .jsonBody(Map.of("item", "book"))
                    .build());

            response.ensureSuccess();
            assertEquals("application/json", response.firstHeader("Content-Type").orElseThrow());
            assertEquals(Map.of("seen", "POST " + events.get(0).getPath()), response.bodyAs(Map.class));
            VpcLatticeV2Request event = events.get(0);
            assertEquals("POST", event.getMethod());
            assertTrue(event.getPath().startsWith("/orders/a%20b"), event.getPath());
            assertEquals("{\"item\":\"book\"}", new String(event.decodeBody(), StandardCharsets.UTF_8));
            assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
            assertEquals("AWS_IAM", event.getRequestContext().getIdentity().getType());
            assertEquals("eu-central-1", event.getRequestContext().getRegion());
        }
    }

    @Test
    void manyGets_overOneClient_areAllAccepted() {
        try (VpcLatticeClient client = client(ALICE_KEY, ALICE_SECRET, ALICE_TOKEN).build()) {
            for (int i = 0; i < 20; i++) {
                client.send(LatticeRequest.builder().url(lattice.endpoint()).path("/item/" + i).build()).ensureSuccess();
            }
        }
        assertEquals(20, events.size());
    }

    @Test
    void authenticatedButNotAllowedPrincipal_getsAccessDenied() {
        try (VpcLatticeClient client = client(MALLORY_KEY, MALLORY_SECRET, null).build()) {
            LatticeServiceException e = assertThrows(LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder().url(lattice.endpoint()).path("/orders").build())
                            .ensureSuccess());
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().contains(MALLORY), e.errorMessage());
        }
        assertTrue(events.isEmpty());
    }

    @Test
    void wrongSecret_isRejected() {
        try (VpcLatticeClient client = client(ALICE_KEY, "not-the-secret-000000000000000000000000", ALICE_TOKEN)
                .build()) {
            LatticeServiceException e = assertThrows(LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder().url(lattice.endpoint()).build()).ensureSuccess());
            assertEquals(403, e.statusCode());
            assertEquals("InvalidSignatureException", e.errorCode(), e.getMessage());
        }
        assertTrue(events.isEmpty());
    }

    @Test
    void unsignedRequest_isDeniedAsAnonymous() {
        try (VpcLatticeClient client = VpcLatticeClient.builder().signingMode(SigningMode.NONE).httpClient(http)
                .tracing(false).build()) {
            LatticeServiceException e = assertThrows(LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder().url(lattice.endpoint()).build()).ensureSuccess());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().startsWith("User: anonymous is not authorized"), e.errorMessage());
        }
        assertTrue(events.isEmpty(), "an unsigned request must not reach the target: " + events);
    }
}
