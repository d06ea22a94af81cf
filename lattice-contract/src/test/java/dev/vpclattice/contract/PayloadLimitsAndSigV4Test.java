package dev.vpclattice.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PayloadLimitsAndSigV4Test {
    @Test
    void maxPayloadBytes_isSixMebibytesAsTheLambdaQuotasPageCountsThem() {
        assertEquals(6_291_456, PayloadLimits.MAX_PAYLOAD_BYTES);
        assertTrue(PayloadLimits.fits(6_291_456));
        assertFalse(PayloadLimits.fits(6_291_457));
        assertEquals(
                "The event would be 6291457 bytes; Lambda and VPC Lattice limit a request and a response to "
                        + "6291456 bytes (6 MB) each",
                PayloadLimits.overLimitMessage("The event", 6_291_457));
    }

    @Test
    void signing_constantsAreLatticesWireValues() {
        assertEquals("vpc-lattice-svcs", LatticeSigV4.SIGNING_NAME);
        assertEquals("x-amz-content-sha256", LatticeSigV4.CONTENT_SHA256_HEADER);
        assertEquals("UNSIGNED-PAYLOAD", LatticeSigV4.UNSIGNED_PAYLOAD);
    }

    @Test
    void schemeAllowed_signedNeedsHttpsUnsignedTakesEither() {
        assertTrue(LatticeSigV4.schemeAllowed("https", true));
        assertTrue(LatticeSigV4.schemeAllowed("HTTPS", true));
        assertFalse(LatticeSigV4.schemeAllowed("http", true));
        assertFalse(LatticeSigV4.schemeAllowed(null, true));
        assertTrue(LatticeSigV4.schemeAllowed("http", false));
        String message = LatticeSigV4.httpsRequiredMessage("A SIGV4-signed request to http://svc/orders");
        assertTrue(message.startsWith("A SIGV4-signed request to http://svc/orders must use https: "), message);
        assertTrue(message.contains(LatticeSigV4.HTTPS_REQUIRED_REASON), message);
    }

    @Test
    void rules_runWithoutJacksonOnTheClassPath() throws Exception {
        // Only this module's classes and the JDK: the echo ships the rules without jackson-databind.
        URL classes = Path.of(System.getProperty("basedir", "."))
                .resolve("target/classes")
                .toUri()
                .toURL();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> query = Class.forName(QueryStrings.class.getName(), true, isolated);
            assertEquals(
                    "{q=[a+b]}",
                    query.getMethod("parse", String.class).invoke(null, "q=a+b").toString());
            Class<?> version = Class.forName(EventVersion.class.getName(), true, isolated);
            Class<?> topLevel = Class.forName(EventVersion.TopLevel.class.getName(), true, isolated);
            Object seen = topLevel.getMethod("withVersion1Field", boolean.class)
                    .invoke(topLevel.getMethod("version", String.class).invoke(null, "2.0"), true);
            assertEquals(
                    "Optional[V2]",
                    version.getMethod("of", topLevel).invoke(null, seen).toString());
            Class.forName(LatticeHeaders.class.getName(), true, isolated);
            Class.forName(PayloadLimits.class.getName(), true, isolated);
            Class.forName(LatticeSigV4.class.getName(), true, isolated);
            assertThrowsClassNotFound(isolated, "com.fasterxml.jackson.core.JsonFactory");
        }
    }

    private static void assertThrowsClassNotFound(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
        } catch (ClassNotFoundException expected) {
            return;
        }
        throw new AssertionError(name + " is visible, so the isolation proves nothing");
    }
}
