package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP client adapters depend on this library without {@code apache5-client}: in a child JVM whose class path
 * really lacks it, the signing core works, {@code LatticeClient.builder().build()} names what to add, and a client with
 * another HTTP client builds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Apache5ClassPathIT {
    private static final String APACHE5_CLIENT = "/software/amazon/awssdk/apache5-client/";

    @Test
    void withoutApache5Client_theSignerWorks_andTheDefaultClientNamesWhatToAdd() throws Exception {
        String result = ProbeJvm.run(Apache5ProbeMain.class, APACHE5_CLIENT, List.of(), "RESULT");

        assertEquals(
                "RESULT signer=[Authorization, x-amz-content-sha256, X-Amz-Date]"
                        + " | default=java.lang.IllegalStateException: " + DefaultLatticeClientBuilder.NEEDS_APACHE5
                        + " | urlConnection=built",
                result);
    }

    @Test
    void withApache5Client_theDefaultClientBuilds() throws Exception {
        // The control: the same probe with nothing left out.
        String result = ProbeJvm.run(Apache5ProbeMain.class, null, List.of(), "RESULT");

        assertEquals(
                "RESULT signer=[Authorization, x-amz-content-sha256, X-Amz-Date] | default=built | urlConnection=built",
                result);
    }
}
