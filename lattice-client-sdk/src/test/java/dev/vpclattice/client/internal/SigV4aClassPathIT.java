package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SigV4A's dependency on the AWS CRT, proven in child JVMs whose class path really lacks a jar rather than with a
 * faked class-presence test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigV4aClassPathIT {
    private static final String AWS_CRT = "/software/amazon/awssdk/crt/aws-crt/";
    private static final String HTTP_AUTH_AWS_CRT = "/software/amazon/awssdk/http-auth-aws-crt/";

    /** Runs the probe with the test class path minus the entries whose path contains {@code leaveOut}, if given. */
    private static String runProbe(String leaveOut) throws Exception {
        return ProbeJvm.run(SigV4aProbeMain.class, leaveOut, List.of(), "SIGNED ", "REFUSED ");
    }

    @Test
    void sigV4a_withoutAwsCrt_isRefusedNamingTheDependency() throws Exception {
        assertRefused(runProbe(AWS_CRT));
    }

    @Test
    void sigV4a_withoutTheHttpAuthAwsCrtJar_isRefusedNamingTheDependency() throws Exception {
        // The jar is nearly empty, but AwsV4aHttpSigner.create() checks for its marker class.
        assertRefused(runProbe(HTTP_AUTH_AWS_CRT));
    }

    @Test
    void sigV4a_withTheWholeTestClassPath_signs() throws Exception {
        // The control: the probe does sign when nothing is left out.
        assertEquals("SIGNED AWS4-ECDSA-P256-SHA256", runProbe(null));
    }

    private static void assertRefused(String result) {
        assertTrue(
                result.startsWith("REFUSED SigningMode.SIGV4A needs software.amazon.awssdk:http-auth-aws-crt"), result);
        assertTrue(result.contains("software.amazon.awssdk.crt:aws-crt"), result);
    }
}
