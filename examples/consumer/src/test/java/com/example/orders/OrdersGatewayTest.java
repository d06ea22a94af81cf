package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeCallTimeoutException;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeException;
import dev.vpclattice.client.LatticeServiceException;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The library as a service uses it, on Java 17: a local Lattice (lattice-local-junit's extension) verifies SigV4 over
 * HTTPS with its own certificate, which the client trusts for itself only.
 */
class OrdersGatewayTest {
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("us-east-1")
            .allowedPrincipal("arn:aws:iam::123456789012:user/orders-consumer")
            .deniedPrincipal("arn:aws:iam::123456789012:user/someone-else")
            .target(event -> {
                if (event.getBody() != null
                        && new String(event.decodeBody(), StandardCharsets.UTF_8).contains("\"slow\"")) {
                    RELEASE.await(10, TimeUnit.SECONDS);
                }
                return VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .header("content-type", "application/json")
                        .body("{\"version\":\"2.0\",\"method\":\"" + event.getMethod() + "\",\"path\":\""
                                + event.getPath() + "\",\"received\":"
                                + quote(new String(event.decodeBody(), StandardCharsets.UTF_8)) + "}")
                        .build();
            })
            .build();

    @AfterAll
    static void release() {
        RELEASE.countDown();
    }

    private static LatticeClient client(AwsCredentialsProvider credentials) {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .trustedCertificates(lattice.certificatePem()) // a PEM file, as from lattice-local serve
                .build();
    }

    @Test
    void aSignedCall_isVerifiedByLattice_andTheAnswerMapsToAPartialRecord() {
        try (LatticeClient client = client(lattice.credentials())) {
            OrdersGateway.Placed placed = new OrdersGateway(
                            client, lattice.endpoint().toString())
                    .place(
                            new OrdersGateway.NewOrder("book", 2, Instant.parse("2026-11-30T12:00:00Z")),
                            Duration.ofSeconds(10));
            assertEquals(new OrdersGateway.Placed("POST", "/orders"), placed);
        }
    }

    @Test
    void aPrincipalTheAuthPolicyDoesNotAllow_getsA403_asLatticeServiceException() {
        try (LatticeClient client = client(lattice.deniedCredentials())) {
            LatticeServiceException e = assertThrows(
                    LatticeServiceException.class,
                    () -> new OrdersGateway(client, lattice.endpoint().toString())
                            .place(new OrdersGateway.NewOrder("book", 1, Instant.now()), Duration.ofSeconds(10)));
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.getMessage().contains("POST " + lattice.endpoint()), e::getMessage);
        }
    }

    @Test
    void aServiceSlowerThanTheCallTimeout_isALatticeCallTimeoutException() {
        try (LatticeClient client = client(lattice.credentials())) {
            LatticeException e = assertThrows(
                    LatticeException.class,
                    () -> new OrdersGateway(client, lattice.endpoint().toString())
                            .place(new OrdersGateway.NewOrder("slow", 1, Instant.now()), Duration.ofMillis(500)));
            assertTrue(e instanceof LatticeCallTimeoutException, () -> "expected a call timeout, got " + e);
            assertEquals(Duration.ofMillis(500), ((LatticeCallTimeoutException) e).callTimeout());
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
