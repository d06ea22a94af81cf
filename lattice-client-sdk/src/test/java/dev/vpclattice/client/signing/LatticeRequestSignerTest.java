package dev.vpclattice.client.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.SigningMode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The signing core on its own: what it returns for a request, which headers it signs, what it refuses. */
class LatticeRequestSignerTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final AwsCredentialsProvider SESSION = StaticCredentialsProvider.create(
            AwsSessionCredentials.create("ASIAEXAMPLE000000001", "secret-example-0000000000000000000000", "token-1"));

    private static LatticeRequestSigner.Builder signer() {
        return LatticeRequestSigner.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(SESSION)
                .hosts(LatticeHosts.of("orders.example.com"))
                .signingClock(FIXED)
                .tracePropagation(false);
    }

    /** The value of a header, by name in any case. */
    private static String header(Map<String, String> added, String name) {
        return added.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static List<String> names(Map<String, String> added) {
        return added.keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private static String signedHeaders(Map<String, String> added) {
        String authorization = header(added, "Authorization");
        int start = authorization.indexOf("SignedHeaders=") + "SignedHeaders=".length();
        return authorization.substring(start, authorization.indexOf(',', start));
    }

    @Test
    void sign_returnsTheSignatureHeaders_withUnsignedPayloadAndTheSessionToken() {
        try (LatticeRequestSigner signer = signer().build()) {
            Map<String, String> added = signer.sign(
                    "POST",
                    URI.create("https://orders.example.com/orders?b=2&a=1"),
                    Map.of("Content-Type", List.of("application/json")));

            assertEquals(
                    List.of("authorization", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"),
                    names(added));
            assertTrue(
                    header(added, "Authorization")
                            .startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE000000001/20260301/us-west-2/"
                                    + "vpc-lattice-svcs/aws4_request"),
                    header(added, "Authorization"));
            assertEquals("20260301T120000Z", header(added, "X-Amz-Date"));
            assertEquals("UNSIGNED-PAYLOAD", header(added, "x-amz-content-sha256"));
            assertEquals("token-1", header(added, "X-Amz-Security-Token"));
            assertThrows(UnsupportedOperationException.class, () -> added.put("X-Other", "1"));
            assertEquals(
                    "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token", signedHeaders(added));
        }
    }

    @Test
    void sign_neverSignsHopByHopTraceOrEarlierSignatureHeaders() {
        try (LatticeRequestSigner signer = signer().build()) {
            Map<String, List<String>> headers = Map.ofEntries(
                    Map.entry("Accept", List.of("application/json")),
                    Map.entry("Connection", List.of("keep-alive, X-Hop")),
                    Map.entry("X-Hop", List.of("1")),
                    Map.entry("Keep-Alive", List.of("timeout=5")),
                    Map.entry("Transfer-Encoding", List.of("chunked")),
                    Map.entry("TE", List.of("trailers")),
                    Map.entry("Trailer", List.of("x-checksum")),
                    Map.entry("Upgrade", List.of("h2c")),
                    Map.entry("Expect", List.of("100-continue")),
                    Map.entry("Proxy-Authorization", List.of("Basic abc")),
                    Map.entry("traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
                    Map.entry("tracestate", List.of("a=b")),
                    Map.entry("baggage", List.of("k=v")),
                    Map.entry("X-Amzn-Trace-Id", List.of("Root=1-5759e988-bd862e3fe1be46a994272793")),
                    Map.entry("b3", List.of("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")),
                    Map.entry("Authorization", List.of("AWS4-HMAC-SHA256 stale")),
                    Map.entry("X-Amz-Date", List.of("20200101T000000Z")),
                    Map.entry("User-Agent", List.of("okhttp/5.5.1")));

            Map<String, String> added = signer.sign("GET", URI.create("https://orders.example.com/"), headers);

            assertEquals("accept;host;x-amz-content-sha256;x-amz-date;x-amz-security-token", signedHeaders(added));
            assertEquals("20260301T120000Z", header(added, "X-Amz-Date"));
        }
    }

    @Test
    void sign_plainHttp_isRefusedByDefault_namingTheOption() {
        try (LatticeRequestSigner signer = signer().build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> signer.sign("GET", URI.create("http://orders.example.com/a?token=s3cret"), Map.of()));

            assertTrue(e.getMessage().contains("signPlainHttp(true)"), e.getMessage());
            assertTrue(e.getMessage().contains("http://orders.example.com/a"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    void sign_plainHttp_whenEnabled_signsTheHttpsFormOfTheSameRequest() {
        try (LatticeRequestSigner plain = signer().signPlainHttp(true).build();
                LatticeRequestSigner https = signer().build()) {
            Map<String, List<String>> headers = Map.of("content-type", List.of("application/json"));
            for (String[] pair : new String[][] {
                {"http://orders.example.com/a/b?x=1", "https://orders.example.com/a/b?x=1"},
                {"http://orders.example.com:80/", "https://orders.example.com/"},
                {"http://orders.example.com:8080/", "https://orders.example.com:8080/"}
            }) {
                Map<String, String> overHttp = plain.sign("POST", URI.create(pair[0]), headers);
                Map<String, String> overHttps = https.sign("POST", URI.create(pair[1]), headers);

                assertEquals(overHttps, overHttp, pair[0]);
                assertEquals("UNSIGNED-PAYLOAD", header(overHttp, "x-amz-content-sha256"));
            }
            // The port is part of the signed Host: https on 8080 is not the same request as https on 443.
            assertNotEquals(
                    header(
                            https.sign("GET", URI.create("https://orders.example.com:8080/"), Map.of()),
                            "Authorization"),
                    header(https.sign("GET", URI.create("https://orders.example.com/"), Map.of()), "Authorization"));
        }
    }

    @Test
    void sign_plainHttp_withUserInfo_keepsItOutOfTheMessage() {
        try (LatticeRequestSigner signer = signer().build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> signer.sign("GET", URI.create("http://user:hunter2@orders.example.com:8080/a"), Map.of()));

            assertTrue(e.getMessage().contains("http://orders.example.com:8080/a"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    void sign_aMethodTheSdkSignerLacks_isRefusedNamingTheMethods() {
        try (LatticeRequestSigner signer = signer().build()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> signer.sign("PROPFIND", URI.create("https://user:hunter2@orders.example.com/a"), Map.of()));

            assertTrue(e.getMessage().contains("PROPFIND"), e.getMessage());
            assertTrue(e.getMessage().contains("PATCH"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertEquals(
                    4,
                    signer.sign("patch", URI.create("https://orders.example.com/a"), Map.of())
                            .size());
        }
    }

    @Test
    void sign_twoDifferentHosts_areRefused() {
        try (LatticeRequestSigner signer = signer().build()) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> signer.sign(
                            "GET",
                            URI.create("https://orders.example.com/a"),
                            Map.of("Host", List.of("a.example.com"), "host", List.of("b.example.com"))));
        }
    }

    @Test
    void hosts_default_isTheServiceDomainOfTheRegion() {
        try (LatticeRequestSigner signer = LatticeRequestSigner.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(SESSION)
                .build()) {
            assertTrue(signer.signs(
                    URI.create("https://billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws/")));
            assertFalse(signer.signs(
                    URI.create("https://billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws/")));
            assertFalse(signer.signs(URI.create("https://api.github.com/")));
            assertTrue(signer.sign("GET", URI.create("https://api.github.com/"), Map.of())
                    .isEmpty());
        }
        try (LatticeRequestSigner signer = signer().hosts(LatticeHosts.any()).build()) {
            assertTrue(signer.signs(URI.create("https://api.github.com/")));
        }
    }

    @Test
    void sign_hostNotNamed_returnsNothing() {
        try (LatticeRequestSigner signer = signer().hosts(
                        LatticeHosts.serviceDomain("us-west-2").or(LatticeHosts.of("orders.example.com")))
                .build()) {
            assertTrue(signer.sign("GET", URI.create("https://api.github.com/"), Map.of())
                    .isEmpty());
            assertFalse(signer.signs(URI.create("https://vpc-lattice-svcs.us-west-2.on.aws/")));
            assertTrue(signer.signs(
                    URI.create("https://billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws/")));
            assertFalse(signer.signs(
                    URI.create("https://billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws/")));
            assertTrue(signer.signs(URI.create("https://ORDERS.example.com./x")));
            assertEquals(
                    4,
                    signer.sign("GET", URI.create("https://orders.example.com/"), Map.of())
                            .size());
        }
    }

    @Test
    void latticeHosts_refusesWhatIsNotAHostOrPattern() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LatticeHosts.of("https://orders.example.com"));
        assertTrue(e.getMessage().contains("'https://orders.example.com'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatticeHosts.of("*"));
        assertThrows(IllegalArgumentException.class, () -> LatticeHosts.of(List.of()));
    }

    @Test
    void sign_longTermCredentials_haveNoSessionToken() {
        try (LatticeRequestSigner signer = signer().credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLE000000001", "secret")))
                .build()) {
            Map<String, String> added = signer.sign("GET", URI.create("https://orders.example.com/"), Map.of());

            assertEquals(List.of("authorization", "x-amz-content-sha256", "x-amz-date"), names(added));
        }
    }

    @Test
    void sign_failingCredentials_failWithAClientException_bothWays() {
        AwsCredentialsProvider failing = () -> {
            throw new IllegalStateException("no credentials here");
        };
        try (LatticeRequestSigner signer = signer().credentialsProvider(failing)
                .credentialsTimeout(Duration.ofSeconds(30))
                .build()) {
            LatticeClientException sync = assertThrows(
                    LatticeClientException.class,
                    () -> signer.sign("GET", URI.create("https://orders.example.com/a"), Map.of()));
            assertTrue(sync.getMessage().contains("could not resolve AWS credentials"), sync.getMessage());
            assertEquals(0, sync.attempts());

            CompletableFuture<Map<String, String>> async =
                    signer.signAsync("GET", URI.create("https://orders.example.com/a"), Map.of());
            CompletionException e = assertThrows(CompletionException.class, async::join);
            assertTrue(e.getCause() instanceof LatticeClientException, e.toString());
        }
    }

    @Test
    void signAsync_givesTheSameHeadersAsSign() {
        try (LatticeRequestSigner signer = signer().build()) {
            URI uri = URI.create("https://orders.example.com/a");
            Map<String, String> first = signer.signAsync("GET", uri, Map.of()).join();
            assertEquals(signer.sign("GET", uri, Map.of()), first);
        }
    }

    @Test
    void signingModeNone_addsNoSignature() {
        try (LatticeRequestSigner signer = LatticeRequestSigner.builder()
                .signingMode(SigningMode.NONE)
                .hosts(LatticeHosts.any())
                .tracePropagation(false)
                .build()) {
            assertTrue(signer.sign("GET", URI.create("http://orders.example.com/"), Map.of())
                    .isEmpty());
        }
    }
}
