package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Drives a local Lattice with requests signed by the AWS SDK's own AwsV4HttpSigner and sent by an SDK HTTP client: a
 * different code path from both curl and this project's client library.
 */
@Timeout(120)
class LocalLatticeSdkSignerTest {
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    private static final String CAROL = "arn:aws:sts::123456789012:assumed-role/app/carol";
    private static final AwsCredentialsIdentity KEYS = AwsCredentialsIdentity.create("AKIDCAROL", "carol-secret");
    private static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();
    /** Every path the target was invoked with: a refused request must never appear here. */
    private static final List<String> INVOKED = new CopyOnWriteArrayList<>();

    static LocalLattice lattice;
    static SdkCaller caller;

    @BeforeAll
    static void start() throws Exception {
        lattice = LocalLattice.builder()
                .region("us-east-1")
                .credential("AKIDCAROL", "carol-secret", CAROL)
                .sessionCredential("ASIADAVE", "dave-secret", "dave-token", CAROL)
                .accessLog(ACCESS_LOG::add)
                .target(event -> switch (invoked(event).getPath().split("\\?")[0]) {
                    case "/throw" -> throw new IllegalStateException("target broke");
                    case "/binary" ->
                        VpcLatticeV2Response.builder()
                                .statusCode(201)
                                .header("content-type", "image/png")
                                .header("connection", "close")
                                .header("content-length", "999999")
                                .header("x-kept", "yes")
                                .body(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0})
                                .build();
                    default -> LocalLatticeCurlTest.echo(event);
                })
                .build();
        caller = new SdkCaller(lattice);
    }

    @AfterAll
    static void stop() {
        caller.close();
        lattice.close();
    }

    private static SdkHttpRequest.Builder get(String encodedPath) {
        return SdkCaller.request(lattice.endpoint(), SdkHttpMethod.GET, encodedPath);
    }

    private static VpcLatticeV2Request event(SdkCaller.Response response) {
        assertEquals(200, response.status(), response.text());
        return CODEC.readRequest(response.body());
    }

    @Test
    void multiValueHeadersAndUnsortedQuery_verifyAndReachTheEvent() throws Exception {
        SdkHttpRequest request = get("/items")
                .appendRawQueryParameter("z", "last")
                .appendRawQueryParameter("a", "1")
                .appendRawQueryParameter("a", "2")
                .appendHeader("X-Multi", "one")
                .appendHeader("X-Multi", "two")
                .build();
        SignedRequest signed = caller.sign(request, null, KEYS, r -> r);

        VpcLatticeV2Request event = event(caller.send(signed.request(), null));

        assertEquals(List.of("1", "2"), event.getQueryStringParameters().get("a"));
        assertEquals(List.of("last"), event.getQueryStringParameters().get("z"));
        assertTrue(event.getPath().startsWith("/items?"), event.getPath());
        assertEquals(CAROL, event.getRequestContext().getIdentity().getPrincipal());
        assertEquals("carol", event.getRequestContext().getIdentity().getSessionName());
        List<String> multi = event.getHeaders().get("x-multi");
        assertTrue(multi.equals(List.of("one", "two")) || multi.equals(List.of("one,two")), multi.toString());
    }

    private static VpcLatticeV2Request invoked(VpcLatticeV2Request event) {
        INVOKED.add(event.getPath());
        return event;
    }

    @Test
    void percentEncodedPath_sdkForm_isAccepted_singleEncodedForm_isRefusedNamingTheExpectedForm() throws Exception {
        SdkHttpRequest request = get("/files/a%20b%2Fc").build();

        SdkCaller.Response doubled =
                caller.send(caller.sign(request, null, KEYS, r -> r).request(), null);
        SdkCaller.Response single = caller.send(
                caller.sign(
                                get("/files/single%20form").build(),
                                null,
                                KEYS,
                                r -> r.putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false))
                        .request(),
                null);

        assertEquals("/files/a%20b%2Fc", event(doubled).getPath());
        assertEquals(403, single.status(), single.text());
        assertTrue(
                single.text()
                        .startsWith(
                                "InvalidSignatureException: The request signature we calculated does not" + " match"),
                single.text());
        assertTrue(
                single.text().contains("verifies the path in the SDK's form")
                        && single.text().contains("computed over the path in the single-encoded form"),
                single.text());
        assertFalse(INVOKED.contains("/files/single%20form"), "a refused request reached the target: " + INVOKED);
    }

    @Test
    void signatureForOnePath_replayedToItsEncodedTwin_isRefused_andNeverReachesTheTarget() throws Exception {
        // Signed in the SDK's form, /files/a%20b's canonical path is /files/a%2520b: exactly the single-encoded
        // canonical path of /files/a%2520b. A server accepting both forms would take this signature for both paths.
        SignedRequest signed = caller.sign(get("/files/a%20b").build(), null, KEYS, r -> r);

        SdkCaller.Response replayed = caller.send(
                signed.request().toBuilder().encodedPath("/files/a%2520b").build(), null);
        SdkCaller.Response original = caller.send(signed.request(), null);

        assertEquals(403, replayed.status(), replayed.text());
        assertTrue(replayed.text().startsWith("InvalidSignatureException:"), replayed.text());
        assertFalse(INVOKED.contains("/files/a%2520b"), "the replayed request reached the target: " + INVOKED);
        assertEquals("/files/a%20b", event(original).getPath());
    }

    @Test
    void singleEncodedServer_acceptsTheUnnormalizedSingleForm_andRefusesTheSdkForm() throws Exception {
        List<String> invoked = new CopyOnWriteArrayList<>();
        try (LocalLattice single = LocalLattice.builder()
                        .credential("AKIDCAROL", "carol-secret", CAROL)
                        .canonicalPathForm(CanonicalPathForm.SINGLE_ENCODED)
                        .target(event -> {
                            invoked.add(event.getPath());
                            return LocalLatticeCurlTest.echo(event);
                        })
                        .build();
                SdkCaller goLike = new SdkCaller(single)) {
            SdkHttpRequest asSent = SdkCaller.request(single.endpoint(), SdkHttpMethod.GET, "/files/a%20b/../c")
                    .build();
            SdkCaller.Response accepted = goLike.send(
                    goLike.sign(
                                    asSent,
                                    null,
                                    KEYS,
                                    r -> r.putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                                            .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false))
                            .request(),
                    null);
            SdkCaller.Response sdkForm = goLike.send(
                    goLike.sign(
                                    SdkCaller.request(single.endpoint(), SdkHttpMethod.GET, "/files/sdk%20form")
                                            .build(),
                                    null,
                                    KEYS,
                                    r -> r)
                            .request(),
                    null);

            // What was verified is what is invoked: the path as sent, dot segments and all.
            assertEquals("/files/a%20b/../c", event(accepted).getPath());
            assertEquals(403, sdkForm.status(), sdkForm.text());
            assertTrue(sdkForm.text().contains("verifies the path in the single-encoded form"), sdkForm.text());
            assertEquals(List.of("/files/a%20b/../c"), invoked);
        }
    }

    @Test
    void postWithJsonBody_overHttps_isSignedUnsignedPayload_andForwarded() throws Exception {
        byte[] body = "{\"order\":42}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkCaller.request(lattice.endpoint(), SdkHttpMethod.POST, "/orders")
                .putHeader("Content-Type", "application/json")
                .build();
        SignedRequest signed = caller.sign(request, body, KEYS, r -> r);

        assertEquals(
                "UNSIGNED-PAYLOAD",
                signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());
        VpcLatticeV2Request event = event(caller.send(signed.request(), body));
        assertEquals("{\"order\":42}", event.getBody());
        assertEquals("POST", event.getMethod());
    }

    @Test
    void concurrentSignedRequests_areEachVerifiedAndForwardedIntact() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> paths = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String path = "/parallel/" + i;
                paths.add(pool.submit(() -> event(caller.send(
                                caller.sign(get(path).build(), null, KEYS, r -> r)
                                        .request(),
                                null))
                        .getPath()));
            }
            for (int i = 0; i < paths.size(); i++) {
                assertEquals("/parallel/" + i, paths.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tamperedSignature_isRejected() throws Exception {
        SignedRequest signed = caller.sign(get("/orders").build(), null, KEYS, r -> r);
        String authorization =
                signed.request().firstMatchingHeader("Authorization").orElseThrow();
        char last = authorization.charAt(authorization.length() - 1);
        String tampered = authorization.substring(0, authorization.length() - 1) + (last == '0' ? '1' : '0');

        SdkCaller.Response response = caller.send(
                signed.request().toBuilder()
                        .putHeader("Authorization", tampered)
                        .build(),
                null);

        assertEquals(403, response.status());
        assertTrue(response.text().startsWith("InvalidSignatureException:"), response.text());
    }

    @Test
    void signedHeaderChangedAfterSigning_isRejected() throws Exception {
        SignedRequest signed =
                caller.sign(get("/orders").putHeader("X-Order", "1").build(), null, KEYS, r -> r);

        SdkCaller.Response response = caller.send(
                signed.request().toBuilder().putHeader("X-Order", "2").build(), null);

        assertEquals(403, response.status());
    }

    @Test
    void unsignedHeaderAddedAfterSigning_isForwarded() throws Exception {
        SignedRequest signed = caller.sign(get("/orders").build(), null, KEYS, r -> r);

        SdkCaller.Response response = caller.send(
                signed.request().toBuilder()
                        .putHeader("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
                        .build(),
                null);

        assertEquals(
                List.of("Root=1-5759e988-bd862e3fe1be46a994272793"),
                event(response).getHeaders().get("x-amzn-trace-id"));
    }

    @Test
    void dateWithinSkew_isAccepted_beyondSkew_isRejected() throws Exception {
        Clock fourMinutesAgo = Clock.fixed(Instant.now().minus(4, ChronoUnit.MINUTES), ZoneOffset.UTC);
        Clock sixMinutesAhead = Clock.fixed(Instant.now().plus(6, ChronoUnit.MINUTES), ZoneOffset.UTC);

        SdkCaller.Response recent = caller.send(
                caller.sign(
                                get("/orders").build(),
                                null,
                                KEYS,
                                r -> r.putProperty(HttpSigner.SIGNING_CLOCK, fourMinutesAgo))
                        .request(),
                null);
        SdkCaller.Response future = caller.send(
                caller.sign(
                                get("/orders").build(),
                                null,
                                KEYS,
                                r -> r.putProperty(HttpSigner.SIGNING_CLOCK, sixMinutesAhead))
                        .request(),
                null);

        SdkCaller.Response stale = caller.send(
                caller.sign(
                                get("/orders").build(),
                                null,
                                KEYS,
                                r -> r.putProperty(
                                        HttpSigner.SIGNING_CLOCK,
                                        Clock.fixed(Instant.now().minus(10, ChronoUnit.MINUTES), ZoneOffset.UTC)))
                        .request(),
                null);

        assertEquals(200, recent.status(), recent.text());
        assertEquals(403, future.status());
        assertTrue(future.text().startsWith("InvalidSignatureException: Signature not yet current: "), future.text());
        assertEquals(403, stale.status());
        assertTrue(stale.text().startsWith("InvalidSignatureException: Signature expired: "), stale.text());
    }

    @Test
    void sessionCredentials_signTheToken_andAreAccepted() throws Exception {
        AwsSessionCredentialsIdentity session =
                AwsSessionCredentialsIdentity.create("ASIADAVE", "dave-secret", "dave-token");

        SdkCaller.Response response = caller.send(
                caller.sign(get("/orders").build(), null, session, r -> r).request(), null);

        assertEquals(CAROL, event(response).getRequestContext().getIdentity().getPrincipal());
    }

    @Test
    void sigV4a_isRefusedWithAClearMessage() throws Exception {
        SignedRequest signed = caller.sign(get("/orders").build(), null, KEYS, r -> r);
        String authorization = signed.request()
                .firstMatchingHeader("Authorization")
                .orElseThrow()
                .replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256");

        SdkCaller.Response response = caller.send(
                signed.request().toBuilder()
                        .putHeader("Authorization", authorization)
                        .putHeader("X-Amz-Region-Set", "*")
                        .build(),
                null);

        assertEquals(403, response.status());
        assertTrue(response.text().contains("SigV4A"), response.text());
    }

    @Test
    void targetThrows_isBadGateway() throws Exception {
        SdkCaller.Response response = caller.send(
                caller.sign(get("/throw").build(), null, KEYS, r -> r).request(), null);

        assertEquals(502, response.status());
    }

    @Test
    void base64Response_isDecoded_hopByHopDropped_contentLengthComputed() throws Exception {
        SdkCaller.Response response = caller.send(
                caller.sign(get("/binary").build(), null, KEYS, r -> r).request(), null);

        assertEquals(201, response.status());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0}, response.body());
        assertEquals(List.of("image/png"), header(response, "content-type"));
        assertEquals(List.of("yes"), header(response, "x-kept"));
        assertEquals(List.of("5"), header(response, "content-length"));
    }

    @Test
    void accessLog_namesRequests_withoutQueryOrSecrets() throws Exception {
        caller.send(
                caller.sign(
                                get("/logged")
                                        .appendRawQueryParameter("token", "query-secret")
                                        .build(),
                                null,
                                KEYS,
                                r -> r)
                        .request(),
                null);

        // The line is written after the response is sent: wait for it, boundedly.
        for (int i = 0; i < 100 && ACCESS_LOG.stream().noneMatch(line -> line.startsWith("GET /logged ")); i++) {
            Thread.sleep(50);
        }
        assertTrue(
                ACCESS_LOG.stream().anyMatch(line -> line.startsWith("GET /logged 200 " + CAROL)),
                ACCESS_LOG.toString());
        assertFalse(ACCESS_LOG.stream()
                .anyMatch(line ->
                        line.contains("query-secret") || line.contains("carol-secret") || line.contains("Signature")));
    }

    @Test
    void authTypeNone_passesUnsignedCallers_withIdentityTypeNone() throws Exception {
        try (LocalLattice open = LocalLattice.builder()
                        .authType(AuthType.NONE)
                        .region("eu-west-1")
                        .accountId("210987654321")
                        .target(LocalLatticeCurlTest::echo)
                        .build();
                SdkCaller plain = new SdkCaller(open)) {
            SdkCaller.Response response = plain.send(
                    SdkCaller.request(open.endpoint(), SdkHttpMethod.GET, "/").build(), null);

            VpcLatticeV2Request event = event(response);
            assertEquals("NONE", event.getRequestContext().getIdentity().getType());
            assertNull(event.getRequestContext().getIdentity().getPrincipal());
            assertEquals("eu-west-1", event.getRequestContext().getRegion());
            assertTrue(event.getRequestContext()
                    .getServiceArn()
                    .startsWith("arn:aws:vpc-lattice:eu-west-1:210987654321:service/svc-"));
        }
    }

    @Test
    void allowStar_admitsAnonymousCallers() throws Exception {
        try (LocalLattice open = LocalLattice.builder()
                        .allow("*")
                        .target(LocalLatticeCurlTest::echo)
                        .build();
                SdkCaller plain = new SdkCaller(open)) {
            SdkCaller.Response response = plain.send(
                    SdkCaller.request(open.endpoint(), SdkHttpMethod.GET, "/").build(), null);

            assertEquals(
                    "NONE", event(response).getRequestContext().getIdentity().getType());
        }
    }

    private static List<String> header(SdkCaller.Response response, String name) {
        return response.headers().entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(List.of());
    }

    @Test
    void dotSegments_areVerifiedNormalized_andTheTargetGetsTheNormalizedPath() throws Exception {
        // The SDK signer normalizes the path it signs (/admin/../public -> /public) but sends it as given.
        SdkCaller.Response response = caller.send(
                caller.sign(
                                get("/admin/../public//page")
                                        .putRawQueryParameter("id", "1")
                                        .build(),
                                null,
                                KEYS,
                                r -> r)
                        .request(),
                null);

        VpcLatticeV2Request event = event(response);
        assertEquals("/public/page?id=1", event.getPath());
    }
}
