package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What moto cannot answer: a service without a DNS entry, a denied lookup, and what the lookup request carries. A
 * loopback HTTP server answers GetService as the API reference's response syntax shows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceDiscoveryControlPlaneTest {
    private static final String ID = "svc-0123456789abcdef0";
    private static final String ARN = "arn:aws:vpc-lattice:eu-west-1:111122223333:service/" + ID;

    private static LatticeClient.Builder client(TestHttpsServer controlPlane) {
        return LatticeClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDDISCOVERY0000002", "discovery-secret-key")))
                .serviceDiscoveryEndpoint(URI.create(controlPlane.url()))
                .tracing(false);
    }

    @Test
    void lookup_isSignedForVpcLattice_withTheClientsCredentialsAndRegion() throws Exception {
        try (TestHttpsServer controlPlane = TestHttpsServer.http()) {
            controlPlane.handler = (exchange, request) -> TestHttpsServer.respond(
                    exchange,
                    200,
                    Map.of("Content-Type", "application/json"),
                    "{\"arn\":\"" + ARN + "\",\"id\":\"" + ID
                            + "\",\"name\":\"orders\",\"status\":\"ACTIVE\",\"dnsEntry\":{\"domainName\":"
                            + "\"orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws\","
                            + "\"hostedZoneId\":\"Z0000000000000\"}}");
            try (LatticeClient client = client(controlPlane).service(ID).build()) {
                assertEquals(
                        URI.create("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws"),
                        client.serviceEndpoint().orElseThrow());
            }
            assertEquals(1, controlPlane.received.size(), "one lookup, at build()");
            TestHttpsServer.Received lookup = controlPlane.received.get(0);
            assertEquals("GET", lookup.method());
            assertEquals("/services/" + ID, lookup.uri().getRawPath());
            // The control plane's signing name is vpc-lattice (the data plane's is vpc-lattice-svcs).
            assertTrue(
                    lookup.header("authorization").contains("Credential=AKIDDISCOVERY0000002/")
                            && lookup.header("authorization").contains("/eu-west-1/vpc-lattice/aws4_request"),
                    lookup.header("authorization"));
        }
    }

    @Test
    void service_withoutADnsEntry_failsAtBuild_namingIt() throws Exception {
        try (TestHttpsServer controlPlane = TestHttpsServer.http()) {
            controlPlane.handler = (exchange, request) -> TestHttpsServer.respond(
                    exchange,
                    200,
                    Map.of("Content-Type", "application/json"),
                    "{\"arn\":\"" + ARN + "\",\"id\":\"" + ID + "\",\"name\":\"orders\",\"status\":\"CREATE_FAILED\"}");
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> client(controlPlane).service(ARN).build());
            assertEquals(
                    "The VPC Lattice service ARN '" + ARN + "' (" + ARN + ") has no DNS name: GetService answered"
                            + " without dnsEntry.domainName (status CREATE_FAILED). Give requests a url instead"
                            + " (LatticeRequest.Builder.url)",
                    e.getMessage());
        }
    }

    @Test
    void lookup_denied_failsAtBuild_namingTheServiceAndThePermission() throws Exception {
        try (TestHttpsServer controlPlane = TestHttpsServer.http()) {
            controlPlane.handler = (exchange, request) -> TestHttpsServer.respond(
                    exchange,
                    403,
                    Map.of("Content-Type", "application/json", "x-amzn-ErrorType", "AccessDeniedException"),
                    "{\"message\":\"User: arn:aws:iam::111122223333:user/x is not authorized to perform:"
                            + " vpc-lattice:ListServices\"}");
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> client(controlPlane).service("orders").build());
            assertTrue(
                    e.getMessage()
                            .startsWith("Could not look up the VPC Lattice service name 'orders' through the"
                                    + " VPC Lattice API in eu-west-1 (ListServices): "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("not authorized"), e.getMessage());
            assertTrue(e.getMessage().endsWith("; the caller needs vpc-lattice:ListServices on it"), e.getMessage());
        }
    }
}
