package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
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

    private static List<String> testClassPath() {
        // Failsafe may hand the forked JVM a manifest-only jar as java.class.path; it publishes the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(classPath.split(File.pathSeparator));
    }

    /** Runs the probe with the test class path minus the entries whose path contains {@code leaveOut}, if given. */
    private static String runProbe(String leaveOut) throws IOException, InterruptedException {
        List<String> full = testClassPath();
        List<String> kept = full;
        if (leaveOut != null) {
            assertTrue(full.stream().anyMatch(e -> e.replace('\\', '/').contains(leaveOut)),
                    "the test class path should contain " + leaveOut + " so that leaving it out means something: "
                            + full);
            kept = full.stream().filter(e -> !e.replace('\\', '/').contains(leaveOut)).toList();
        }
        String classPath = String.join(File.pathSeparator, kept);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", classPath, SigV4aProbeMain.class.getName())
                .redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines().filter(l -> l.startsWith("SIGNED ") || l.startsWith("REFUSED ")).findFirst()
                .orElseThrow(() -> new AssertionError("no probe result in: " + output));
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
        assertTrue(result.startsWith("REFUSED SigningMode.SIGV4A needs software.amazon.awssdk:http-auth-aws-crt"),
                result);
        assertTrue(result.contains("software.amazon.awssdk.crt:aws-crt"), result);
    }
}
