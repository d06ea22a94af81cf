package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Run in a child JVM by {@link ServiceDiscoveryClassPathIT}: builds a client with {@code service(...)} and prints
 * {@code REFUSED <message>}, or {@code LOOKED UP} when the lookup itself was attempted (and failed, as nothing answers
 * at the endpoint).
 */
public final class ServiceDiscoveryProbeMain {
    private ServiceDiscoveryProbeMain() {}

    /**
     * Entry point.
     *
     * @param args the control-plane endpoint to use
     */
    public static void main(String[] args) {
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDPROBE00000000002", "probe-secret")))
                .serviceDiscoveryEndpoint(java.net.URI.create(args[0]))
                .service("orders")
                .build()) {
            System.out.println("BUILT " + client.serviceEndpoint());
        } catch (IllegalStateException e) {
            System.out.println(
                    (e.getMessage().startsWith("Could not look up") ? "LOOKED UP " : "REFUSED ") + e.getMessage());
        }
    }
}
