package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Service discovery's optional dependency, proven in a child JVM whose class path really lacks the
 * {@code software.amazon.awssdk:vpclattice} jar.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceDiscoveryClassPathIT {
    private static final String VPCLATTICE = "/software/amazon/awssdk/vpclattice/";

    private static String runProbe(boolean withVpcLattice) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> full = Arrays.asList(classPath.split(File.pathSeparator));
        assertTrue(full.stream().anyMatch(e -> e.replace('\\', '/').contains(VPCLATTICE)),
                "the test class path should contain the vpclattice jar: " + full);
        List<String> kept = withVpcLattice ? full
                : full.stream().filter(e -> !e.replace('\\', '/').contains(VPCLATTICE)).toList();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, kept),
                ServiceDiscoveryProbeMain.class.getName(), "http://127.0.0.1:" + closedPort)
                .redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines().filter(l -> l.startsWith("REFUSED ") || l.startsWith("LOOKED UP ")
                || l.startsWith("BUILT ")).findFirst().orElseThrow(() -> new AssertionError("no result in: " + output));
    }

    @Test
    void service_withoutTheVpcLatticeJar_failsAtBuild_namingTheServiceAndTheArtifact() throws Exception {
        String result = runProbe(false);
        assertTrue(result.startsWith("REFUSED VpcLatticeClient.builder().service(\"orders\") needs"
                + " software.amazon.awssdk:vpclattice on the class path to look up the VPC Lattice service name"
                + " 'orders': add it"), result);
    }

    @Test
    void service_withTheJar_getsAsFarAsTheLookup() throws Exception {
        // The control: with the jar the same build reaches the (closed) endpoint.
        String result = runProbe(true);
        assertTrue(result.startsWith("LOOKED UP Could not look up the VPC Lattice service name 'orders' through the"
                + " VPC Lattice API in us-east-1 (ListServices): "), result);
    }
}
