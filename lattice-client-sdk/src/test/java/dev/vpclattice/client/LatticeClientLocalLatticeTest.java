package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
class LatticeClientLocalLatticeTest {
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/client-function-role/client-function";
    static final String MALLORY = "arn:aws:iam::123456789012:user/mallory";

    /** Allows ALICE; MALLORY is known (her signatures verify) but not allowed. Events are cleared before each test. */
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-central-1")
            .allowedPrincipal(ALICE)
            .deniedPrincipal(MALLORY)
            .target(event -> VpcLatticeV2Response.builder()
                    .statusCode(200)
                    .header("content-type", "application/json")
                    .body("{\"seen\":\"" + event.getMethod() + " " + event.getPath() + "\"}")
                    .build())
            .build();

    static SdkHttpClient http;

    @BeforeAll
    static void start() {
        http = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(lattice.certificate()::trustManagers)
                .build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    private static LatticeClient.Builder client(AwsCredentialsProvider credentials) {
        return LatticeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(credentials)
                .trustedCertificates(lattice.certificate().x509())
                .tracing(false);
    }

    /** ALICE's key id and session token with a secret that is not hers. */
    private static AwsCredentialsProvider aliceWithWrongSecret() {
        AwsSessionCredentials alice =
                (AwsSessionCredentials) lattice.credentials().resolveCredentials();
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                alice.accessKeyId(), "not-the-secret-000000000000000000000000", alice.sessionToken()));
    }

    @Test
    void signedPost_isAccepted_andTheEventCarriesTheSignersPrincipal() {
        try (LatticeClient client = client(lattice.credentials()).build()) {
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(lattice.endpoint())
                    .path("/orders/a%20b")
                    .queryParameter("z", "2")
                    .queryParameter("a", "1 1")
                    .jsonBody(Map.of("item", "book"))
                    .build());

            response.ensureSuccess();
            assertEquals(
                    "application/json", response.firstHeader("Content-Type").orElseThrow());
            VpcLatticeV2Request event = lattice.receivedEvents().get(0);
            assertEquals(Map.of("seen", "POST " + event.getPath()), response.bodyAs(Map.class));
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
        try (LatticeClient client = client(lattice.credentials()).build()) {
            for (int i = 0; i < 20; i++) {
                client.send(LatticeRequest.builder()
                                .url(lattice.endpoint())
                                .path("/item/" + i)
                                .build())
                        .ensureSuccess();
            }
        }
        assertEquals(20, lattice.receivedEvents().size());
    }

    @Test
    void authenticatedButNotAllowedPrincipal_getsAccessDenied() {
        try (LatticeClient client = client(lattice.deniedCredentials()).build()) {
            LatticeServiceException e = assertThrows(
                    LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder()
                                    .url(lattice.endpoint())
                                    .path("/orders")
                                    .build())
                            .ensureSuccess());
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().contains(MALLORY), e.errorMessage());
        }
        assertTrue(lattice.receivedEvents().isEmpty());
    }

    @Test
    void wrongSecret_isRejected() {
        try (LatticeClient client = client(aliceWithWrongSecret()).build()) {
            LatticeServiceException e = assertThrows(
                    LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder()
                                    .url(lattice.endpoint())
                                    .build())
                            .ensureSuccess());
            assertEquals(403, e.statusCode());
            assertEquals("InvalidSignatureException", e.errorCode(), e.getMessage());
        }
        assertTrue(lattice.receivedEvents().isEmpty());
    }

    @Test
    void unsignedRequest_isDeniedAsAnonymous() {
        try (LatticeClient client = LatticeClient.builder()
                .signingMode(SigningMode.NONE)
                .httpClient(http)
                .tracing(false)
                .build()) {
            LatticeServiceException e = assertThrows(
                    LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder()
                                    .url(lattice.endpoint())
                                    .build())
                            .ensureSuccess());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().startsWith("User: anonymous is not authorized"), e.errorMessage());
        }
        assertTrue(
                lattice.receivedEvents().isEmpty(),
                () -> "an unsigned request must not reach the target: " + lattice.receivedEvents());
    }
}
