package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The {@code Host} a signature covers is the one the HTTP client sends: a given {@code Host} as given, else the URI's
 * host with its port unless that is the scheme's default. Each signature is checked by {@link IndependentSigV4Verifier}
 * against the request as a server would receive it.
 */
class SignedHostTest {
    private static final String KEY = "AKIAEXAMPLE000000001";
    private static final String SECRET = "secret-example-0000000000000000000000";

    private static LatticeRequestSigner signer() {
        return LatticeRequestSigner.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .hosts(LatticeHosts.any())
                .signPlainHttp(true)
                .tracePropagation(false)
                .build();
    }

    /** Whether the signature verifies for a request that arrives with this Host. */
    private static boolean verifies(URI uri, Map<String, List<String>> given, String hostSent) {
        try (LatticeRequestSigner signer = signer()) {
            Map<String, List<String>> received = new TreeMap<>();
            given.forEach((name, values) -> received.put(name.toLowerCase(Locale.ROOT), values));
            signer.sign("GET", uri, given)
                    .forEach((name, value) -> received.put(name.toLowerCase(Locale.ROOT), List.of(value)));
            received.put("host", List.of(hostSent));
            TestHttpsServer.Received request = new TestHttpsServer.Received("GET", uri, received, new byte[0], 0, 0);
            return IndependentSigV4Verifier.verify(request, Map.of(KEY, SECRET)).valid();
        }
    }

    @Test
    void aGivenHost_isSignedAsGiven() {
        URI uri = URI.create("https://127.0.0.1:8443/orders?id=7");
        Map<String, List<String>> headers = Map.of("host", List.of("orders.example.com"));

        assertTrue(verifies(uri, headers, "orders.example.com"));
        assertFalse(verifies(uri, headers, "127.0.0.1:8443"));
    }

    @Test
    void https_withTheDefaultPortWritten_signsTheHostAlone() {
        assertTrue(verifies(URI.create("https://orders.example.com:443/a"), Map.of(), "orders.example.com"));
        // A client that sends the port as written (Apache HttpClient) passes its Host header.
        assertTrue(verifies(
                URI.create("https://orders.example.com:443/a"),
                Map.of("Host", List.of("orders.example.com:443")),
                "orders.example.com:443"));
    }

    @Test
    void plainHttp_signsTheHostAnHttpClientSends() {
        assertTrue(verifies(URI.create("http://orders.example.com/a"), Map.of(), "orders.example.com"));
        assertTrue(verifies(URI.create("http://orders.example.com:80/a"), Map.of(), "orders.example.com"));
        assertTrue(verifies(URI.create("http://orders.example.com:8080/a"), Map.of(), "orders.example.com:8080"));
        // 443 is not plain HTTP's default port: clients send it, and it must be signed.
        assertTrue(verifies(URI.create("http://orders.example.com:443/a"), Map.of(), "orders.example.com:443"));
        assertFalse(verifies(URI.create("http://orders.example.com:443/a"), Map.of(), "orders.example.com"));
    }
}
