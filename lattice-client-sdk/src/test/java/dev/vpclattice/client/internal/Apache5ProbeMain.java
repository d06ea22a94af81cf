package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Run in a child JVM by {@link Apache5ClassPathIT}: signs with {@link LatticeRequestSigner}, then builds a client with
 * the default HTTP client and one with the URL-connection client, printing one line that starts with {@code RESULT}.
 */
public final class Apache5ProbeMain {
    private Apache5ProbeMain() {}

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLE000000001", "secret"));
        StringBuilder result = new StringBuilder("RESULT");
        try (LatticeRequestSigner signer = LatticeRequestSigner.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .hosts(LatticeHosts.of("orders.example.com"))
                .build()) {
            Map<String, String> added = signer.sign("GET", URI.create("https://orders.example.com/"), Map.of());
            TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            names.addAll(added.keySet());
            result.append(" signer=").append(names);
        }
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .build()) {
            result.append(" | default=built");
        } catch (RuntimeException e) {
            result.append(" | default=")
                    .append(e.getClass().getName())
                    .append(": ")
                    .append(e.getMessage());
        }
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            result.append(" | urlConnection=built");
        }
        System.out.println(result);
    }
}
