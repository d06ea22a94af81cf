package dev.vpclattice.function.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.SigningMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class ClientConfigurationTest {
    private static final String DNS = "svc-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-east-1.on.aws";

    @Test
    void fromEnvironment_dnsNameAndRegion_usesDefaults() {
        ClientConfiguration config =
                ClientConfiguration.fromEnvironment(Map.of("LATTICE_ENDPOINT", DNS, "AWS_REGION", "eu-west-1"));

        assertEquals(DNS, config.endpoint());
        assertEquals(Region.EU_WEST_1, config.region());
        assertEquals(SigningMode.SIGV4, config.signingMode());
        assertEquals(Duration.ofSeconds(20), config.callTimeout());
    }

    @Test
    void fromEnvironment_httpsUrlWithPortAndOptions_acceptsThem() {
        ClientConfiguration config = ClientConfiguration.fromEnvironment(Map.of(
                "LATTICE_ENDPOINT",
                "https://localhost:8443",
                "AWS_REGION",
                "us-east-1",
                "LATTICE_SIGNING_MODE",
                "none",
                "LATTICE_CALL_TIMEOUT_SECONDS",
                "5"));

        assertEquals("https://localhost:8443", config.endpoint());
        assertEquals(SigningMode.NONE, config.signingMode());
        assertEquals(Duration.ofSeconds(5), config.callTimeout());
    }

    @Test
    void fromEnvironment_missingEndpoint_namesTheVariable() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ClientConfiguration.fromEnvironment(Map.of("AWS_REGION", "us-east-1")));
        assertTrue(e.getMessage().startsWith("LATTICE_ENDPOINT is not set"), e.getMessage());
    }

    @Test
    void fromEnvironment_missingRegion_namesTheVariable() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ClientConfiguration.fromEnvironment(Map.of("LATTICE_ENDPOINT", DNS)));
        assertTrue(e.getMessage().startsWith("AWS_REGION is not set"), e.getMessage());
    }

    @Test
    void fromEnvironment_plainHttpWhileSigning_isRefusedWithTheValue() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ClientConfiguration.fromEnvironment(
                        Map.of("LATTICE_ENDPOINT", "http://localhost:8080", "AWS_REGION", "us-east-1")));
        assertTrue(e.getMessage().contains("must use https"), e.getMessage());
        assertTrue(e.getMessage().contains("http://localhost:8080"), e.getMessage());
    }

    @Test
    void fromEnvironment_plainHttpWithoutSigning_isAllowed() {
        ClientConfiguration config = ClientConfiguration.fromEnvironment(Map.of(
                "LATTICE_ENDPOINT",
                "http://localhost:8080",
                "AWS_REGION",
                "us-east-1",
                "LATTICE_SIGNING_MODE",
                "NONE"));
        assertEquals(SigningMode.NONE, config.signingMode());
    }

    @Test
    void fromEnvironment_endpointWithPathOrQuery_isRefused() {
        for (String endpoint :
                new String[] {"https://localhost:8443/orders", DNS + "/x", "https://localhost:8443/?a=b"}) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> ClientConfiguration.fromEnvironment(
                            Map.of("LATTICE_ENDPOINT", endpoint, "AWS_REGION", "us-east-1")));
            assertTrue(
                    e.getMessage().contains("without a path or query")
                            && e.getMessage().contains(endpoint),
                    e.getMessage());
        }
        assertEquals(
                "https://localhost:8443/",
                ClientConfiguration.fromEnvironment(
                                Map.of("LATTICE_ENDPOINT", "https://localhost:8443/", "AWS_REGION", "us-east-1"))
                        .endpoint());
    }

    @Test
    void fromEnvironment_badValues_areNamed() {
        Map<String, String> base = new HashMap<>(Map.of("LATTICE_ENDPOINT", DNS, "AWS_REGION", "us-east-1"));

        base.put("LATTICE_SIGNING_MODE", "sigv5");
        IllegalStateException mode =
                assertThrows(IllegalStateException.class, () -> ClientConfiguration.fromEnvironment(base));
        assertTrue(
                mode.getMessage().contains("LATTICE_SIGNING_MODE")
                        && mode.getMessage().contains("sigv5"),
                mode.getMessage());

        base.remove("LATTICE_SIGNING_MODE");
        base.put("LATTICE_CALL_TIMEOUT_SECONDS", "soon");
        IllegalStateException timeout =
                assertThrows(IllegalStateException.class, () -> ClientConfiguration.fromEnvironment(base));
        assertTrue(
                timeout.getMessage().contains("LATTICE_CALL_TIMEOUT_SECONDS")
                        && timeout.getMessage().contains("soon"),
                timeout.getMessage());

        base.remove("LATTICE_CALL_TIMEOUT_SECONDS");
        base.put("LATTICE_ENDPOINT", "ftp://example.com");
        IllegalStateException endpoint =
                assertThrows(IllegalStateException.class, () -> ClientConfiguration.fromEnvironment(base));
        assertTrue(endpoint.getMessage().contains("ftp://example.com"), endpoint.getMessage());
    }
}
