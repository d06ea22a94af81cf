package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** What goes over the wire when the client signs, checked by a real HTTPS server with an independent verifier. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientSigningTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    static final String ACCESS_KEY = "AKIDSIGNINGTEST00001";
    static final String SECRET_KEY = "signing-test-secret-key-0000000000000000";
    static final String SESSION_TOKEN = "signing-test-session-token-FwoGZXIvYXdzEOj";
    static final Instant FIXED = Instant.parse("2026-11-27T21:30:15Z");

    private LatticeClient.Builder client(AwsCredentialsProvider credentials) {
        return LatticeClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(credentials)
                .httpClient(fixture.http())
                .tracing(false);
    }

    @Test
    void sign_withSessionCredentials_serverVerifiesScopeUnsignedPayloadTokenAndHostWithPort() {
        // GIVEN a client with session credentials and a fixed signing clock
        AwsCredentialsProvider session =
                StaticCredentialsProvider.create(AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
        try (LatticeClient client =
                client(session).signingClock(Clock.fixed(FIXED, ZoneOffset.UTC)).build()) {
            // WHEN it POSTs a JSON body with a path and unsorted query parameters
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(fixture.url())
                    .path("/orders/a b".replace(" ", "%20"))
                    .queryParameter("z", "last value")
                    .queryParameter("a", "first/value")
                    .header("X-Custom", "custom")
                    .jsonBody(Map.of("id", 42))
                    .build());

            // THEN the server received a request whose signature it can recompute on its own
            assertEquals(200, response.statusCode());
            TestHttpsServer.Received received = fixture.server().received.get(0);
            IndependentSigV4Verifier.Result signature =
                    IndependentSigV4Verifier.verify(received, Map.of(ACCESS_KEY, SECRET_KEY));
            assertTrue(signature.valid(), "independently recomputed signature must match");
            assertEquals("20261127/eu-west-1/vpc-lattice-svcs/aws4_request", signature.scope());
            assertEquals("20261127T213015Z", received.header("x-amz-date"));
            assertEquals("UNSIGNED-PAYLOAD", received.header("x-amz-content-sha256"));
            assertEquals(SESSION_TOKEN, received.header("x-amz-security-token"));
            assertEquals("127.0.0.1:" + fixture.server().port(), received.header("host"));
            assertTrue(
                    signature
                            .signedHeaders()
                            .containsAll(List.of(
                                    "host",
                                    "x-amz-content-sha256",
                                    "x-amz-date",
                                    "x-amz-security-token",
                                    "x-custom",
                                    "content-type")),
                    "signed headers: " + signature.signedHeaders());
            assertEquals("{\"id\":42}", received.bodyText());
            assertEquals("application/json", received.header("content-type"));
            assertEquals("/orders/a%20b", received.uri().getRawPath());
            assertTrue(
                    received.header("user-agent")
                            .matches("lattice-client-sdk/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)? java/\\d+"),
                    received.header("user-agent"));
            assertFalse(signature.signedHeaders().contains("user-agent"), "the SDK signer leaves user-agent unsigned");
            assertEquals("z=last%20value&a=first%2Fvalue", received.uri().getRawQuery());
        }
    }

    @Test
    void doubleUrlEncode_decidesWhetherTheCanonicalPathEncodesThePercentSignsAgain() {
        AwsCredentialsProvider basic =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        LatticeRequest request = LatticeRequest.builder()
                .url(fixture.url())
                .path("/orders/a%20b")
                .build();
        try (LatticeClient byDefault = client(basic).build();
                LatticeClient single = client(basic).doubleUrlEncode(false).build()) {
            byDefault.send(request);
            single.send(request);
        }
        TestHttpsServer.Received doubled = fixture.server().received.get(0);
        TestHttpsServer.Received once = fixture.server().received.get(1);
        // The same path goes over the wire either way; only the canonical path differs.
        assertEquals("/orders/a%20b", doubled.uri().getRawPath());
        assertEquals("/orders/a%20b", once.uri().getRawPath());
        Map<String, String> secrets = Map.of(ACCESS_KEY, SECRET_KEY);
        assertTrue(
                IndependentSigV4Verifier.verify(doubled, secrets, true).valid(),
                "default: signed over /orders/a%2520b");
        assertFalse(IndependentSigV4Verifier.verify(doubled, secrets, false).valid());
        assertTrue(IndependentSigV4Verifier.verify(once, secrets, false).valid(), "off: signed over /orders/a%20b");
        assertFalse(IndependentSigV4Verifier.verify(once, secrets, true).valid());
    }

    @Test
    void prime_sendsNothing_andResolvesNoCredentials_thenTheClientWorks() {
        // GIVEN a client whose credentials provider counts its calls
        java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
        AwsCredentialsProvider counting = () -> {
            resolved.incrementAndGet();
            return AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY);
        };
        try (LatticeClient client = client(counting).build()) {
            // WHEN it is primed, as before a SnapStart snapshot
            client.prime();

            // THEN nothing reached the server and no credentials were resolved into the snapshot
            assertEquals(0, fixture.server().received.size());
            assertEquals(0, resolved.get());

            // AND the client then signs and sends as usual
            client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();
            assertEquals(1, resolved.get());
            assertTrue(IndependentSigV4Verifier.verify(fixture.server().received.get(0), Map.of(ACCESS_KEY, SECRET_KEY))
                    .valid());
        }
        LatticeClient closed = client(counting).build();
        closed.close();
        assertThrows(LatticeClientException.class, closed::prime);
    }

    @Test
    void sign_withBasicCredentials_sendsNoSecurityToken_andUsesTheSystemClock() {
        try (LatticeClient client = client(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            Instant before = Instant.now().minusSeconds(1);
            client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();

            TestHttpsServer.Received received = fixture.server().received.get(0);
            assertTrue(IndependentSigV4Verifier.verify(received, Map.of(ACCESS_KEY, SECRET_KEY))
                    .valid());
            assertNull(received.header("x-amz-security-token"));
            Instant signedAt = java.time.LocalDateTime.parse(
                            received.header("x-amz-date"),
                            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                    .toInstant(ZoneOffset.UTC);
            assertFalse(
                    signedAt.isBefore(before.minusSeconds(1)), "x-amz-date " + signedAt + " is from the real clock");
        }
    }

    @Test
    void defaults_takeRegionAndCredentialsFromTheEnvironment() {
        // GIVEN region and credentials only in the environment (system properties come first in the SDK's chains)
        Map<String, String> properties = Map.of(
                "aws.region",
                "ap-southeast-2",
                "aws.accessKeyId",
                "AKIDFROMENVIRONMENT1",
                "aws.secretAccessKey",
                SECRET_KEY,
                "aws.sessionToken",
                SESSION_TOKEN);
        properties.forEach(System::setProperty);
        try (LatticeClient client = LatticeClient.builder()
                .httpClient(fixture.http())
                .tracing(false)
                .build()) {
            // WHEN a request is sent with no region or credentials configured on the builder
            client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
        // THEN it was signed for that region with those credentials
        TestHttpsServer.Received received = fixture.server().received.get(0);
        IndependentSigV4Verifier.Result signature =
                IndependentSigV4Verifier.verify(received, Map.of("AKIDFROMENVIRONMENT1", SECRET_KEY));
        assertTrue(signature.valid());
        assertEquals("ap-southeast-2", signature.region());
        assertEquals(SESSION_TOKEN, received.header("x-amz-security-token"));
    }

    @Test
    void credentials_areCachedAcrossCalls_whileTheyAreFresh() {
        // GIVEN a provider whose identities are valid for an hour
        AtomicInteger calls = new AtomicInteger();
        AwsCredentialsProvider hourly = () -> AwsSessionCredentials.builder()
                .accessKeyId("AKIDHOURLY" + calls.incrementAndGet())
                .secretAccessKey(SECRET_KEY)
                .sessionToken(SESSION_TOKEN)
                .expirationTime(Instant.now().plus(java.time.Duration.ofHours(1)))
                .build();
        try (LatticeClient client = client(hourly).build()) {
            for (int i = 0; i < 5; i++) {
                client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();
            }
        }
        // THEN the provider was asked once and every request was validly signed with that identity
        assertEquals(1, calls.get());
        assertTrue(fixture.server().received.stream()
                .allMatch(r -> IndependentSigV4Verifier.verify(r, Map.of("AKIDHOURLY1", SECRET_KEY))
                        .valid()));
    }

    @Test
    void credentials_thatHaveExpired_areNeverUsed_soEachCallWaitsForFreshOnes() {
        // GIVEN a provider (like Lambda's rotating role credentials) whose every identity has already expired
        AtomicInteger calls = new AtomicInteger();
        AwsCredentialsProvider rotating = () -> AwsSessionCredentials.builder()
                .accessKeyId("AKIDROTATING" + calls.incrementAndGet())
                .secretAccessKey(SECRET_KEY)
                .sessionToken(SESSION_TOKEN)
                .expirationTime(Instant.now().minusSeconds(1))
                .build();
        try (LatticeClient client = client(rotating).build()) {
            for (int i = 0; i < 3; i++) {
                client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();
            }
        }
        // THEN each call resolved again and signed with what it got
        List<String> keys = fixture.server().received.stream()
                .map(r -> IndependentSigV4Verifier.verify(
                        r,
                        Map.of("AKIDROTATING1", SECRET_KEY, "AKIDROTATING2", SECRET_KEY, "AKIDROTATING3", SECRET_KEY)))
                .peek(r -> assertTrue(r.valid()))
                .map(IndependentSigV4Verifier.Result::accessKeyId)
                .toList();
        assertEquals(List.of("AKIDROTATING1", "AKIDROTATING2", "AKIDROTATING3"), keys);
    }

    @Test
    void credentialsThatCannotBeResolved_failTheCallNamingTheRequest_andTheNextCallTriesAgain() {
        AtomicInteger calls = new AtomicInteger();
        AwsCredentialsProvider flaky = () -> {
            if (calls.incrementAndGet() == 1) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to load credentials");
            }
            return AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY);
        };
        try (LatticeClient client = client(flaky).build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .url(fixture.url() + "/p?secret=1")
                            .build()));
            assertEquals(
                    "GET " + fixture.url() + "/p was not sent: could not resolve AWS credentials to sign it ("
                            + e.getCause().getClass().getName() + ")",
                    e.getMessage());
            assertEquals(0, e.attempts());
            assertEquals(0, fixture.server().received.size());
            client.send(LatticeRequest.builder().url(fixture.url()).build()).ensureSuccess();
            assertEquals(2, calls.get());
        }
    }

    @Test
    void send_plainHttpWithSigning_isRefusedBeforeAnythingIsSent() throws Exception {
        try (TestHttpsServer plain = TestHttpsServer.http();
                LatticeClient client = client(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                        .build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .method("POST")
                            .url(plain.url())
                            .body("x")
                            .build()));
            assertTrue(e.getMessage().contains("plain http") && e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(plain.received.isEmpty());
        }
    }

    @Test
    void send_withSigningModeNone_mayUsePlainHttp_andSendsNoAuthorization() throws Exception {
        try (TestHttpsServer plain = TestHttpsServer.http();
                LatticeClient client = LatticeClient.builder()
                        .signingMode(SigningMode.NONE)
                        .tracing(false)
                        .build()) {
            LatticeResponse response = client.send(
                    LatticeRequest.builder().url(plain.url() + "/x?q=1").build());
            assertEquals(200, response.statusCode());
            assertNull(plain.received.get(0).header("authorization"));
            assertNull(plain.received.get(0).header("x-amz-content-sha256"));
        }
    }

    @Test
    void sign_withSigV4a_usesEcdsaAndTheGlobalRegionSet() {
        // The CRT is an optional dependency, so it is on this module's test class path.
        try (LatticeClient client = client(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .signingMode(SigningMode.SIGV4A)
                .build()) {
            client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(fixture.url())
                    .path("/orders/a%20b")
                    .queryParameter("q", "1")
                    .jsonBody(Map.of("id", 1))
                    .build());
        }
        TestHttpsServer.Received received = fixture.server().received.get(0);
        assertTrue(
                received.header("authorization").startsWith("AWS4-ECDSA-P256-SHA256 Credential=" + ACCESS_KEY + "/"),
                received.header("authorization").replaceAll("Signature=.*", ""));
        assertTrue(received.header("authorization").contains("/vpc-lattice-svcs/aws4_request"));
        assertEquals("*", received.header("x-amz-region-set"));
        assertEquals("UNSIGNED-PAYLOAD", received.header("x-amz-content-sha256"));
        assertNotEquals(null, received.header("x-amz-date"));

        // The ECDSA signature verifies against the public key derived from the credentials as the spec says, over the
        // headers Lattice needs signed; with another secret it does not (so the check can fail).
        IndependentSigV4aVerifier.Result signature = IndependentSigV4aVerifier.verify(received, ACCESS_KEY, SECRET_KEY);
        assertTrue(
                signature
                        .signedHeaders()
                        .containsAll(List.of("host", "x-amz-content-sha256", "x-amz-date", "x-amz-region-set")),
                "signed headers: " + signature.signedHeaders());
        assertEquals("vpc-lattice-svcs", signature.service());
        assertTrue(signature.valid(), "independently verified SigV4A signature");
        assertFalse(IndependentSigV4aVerifier.verify(received, ACCESS_KEY, SECRET_KEY + "x")
                .valid());
    }
}
