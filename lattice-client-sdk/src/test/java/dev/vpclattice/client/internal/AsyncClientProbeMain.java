package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeClient;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Run in a child JVM by {@link AsyncClientClassPathIT}: builds a sync client, then an async client with every default,
 * printing {@code SYNC BUILT} and then {@code ASYNC BUILT <http client>} or {@code ASYNC REFUSED <type>: <message>}.
 */
public final class AsyncClientProbeMain {
    private AsyncClientProbeMain() {}

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (LatticeClient sync = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build()) {
            System.out.println("SYNC BUILT");
        }
        try (LatticeAsyncClient async = LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build()) {
            System.out.println("ASYNC BUILT");
        } catch (RuntimeException e) {
            System.out.println("ASYNC REFUSED " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
