package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
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
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return ProbeJvm.run(
                ServiceDiscoveryProbeMain.class,
                withVpcLattice ? null : VPCLATTICE,
                List.of("http://127.0.0.1:" + closedPort),
                "REFUSED ",
                "LOOKED UP ",
                "BUILT ");
    }

    @Test
    void service_withoutTheVpcLatticeJar_failsAtBuild_namingTheServiceAndTheArtifact() throws Exception {
        String result = runProbe(false);
        assertTrue(
                result.startsWith("REFUSED LatticeClient.builder().service(\"orders\") needs"
                        + " software.amazon.awssdk:vpclattice on the class path to look up the VPC Lattice service name"
                        + " 'orders': add it"),
                result);
        assertTrue(
                result.endsWith(
                        "On the module path, also resolve the module" + " software.amazon.awssdk.services.vpclattice"),
                result);
    }

    @Test
    void service_withTheJar_getsAsFarAsTheLookup() throws Exception {
        // The control: with the jar the same build reaches the (closed) endpoint.
        String result = runProbe(true);
        assertTrue(
                result.startsWith("LOOKED UP Could not look up the VPC Lattice service name 'orders' through the"
                        + " VPC Lattice API in us-east-1 (ListServices): "),
                result);
    }
}
