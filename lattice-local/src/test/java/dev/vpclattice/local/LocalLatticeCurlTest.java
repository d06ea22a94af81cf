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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Drives a local Lattice with requests signed by the real curl ({@code --aws-sigv4}). */
@Timeout(120)
class LocalLatticeCurlTest {
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final String ALICE = "arn:aws:sts::123456789012:assumed-role/caller-role/alice-session";
    private static final String BOB = "arn:aws:iam::123456789012:user/bob";
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    /** Every path the target was invoked with: a refused request must never appear here. */
    private static final List<String> INVOKED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    static LocalLattice lattice;
    static Path pem;

    /** Echoes the event it received as the response body, as the service function does. */
    static VpcLatticeV2Response echo(VpcLatticeV2Request event) {
        return VpcLatticeV2Response.builder()
                .statusCode(200)
                .header("content-type", "application/json")
                .body(new String(CODEC.writeRequest(event), StandardCharsets.UTF_8))
                .build();
    }

    @BeforeAll
    static void start() {
        lattice = LocalLattice.builder()
                .credential("AKIDALICE", "alice-secret-key", ALICE)
                .credential("AKIDBOB", "bob-secret-key", BOB)
                .sessionCredential("ASIATEMP", "temp-secret-key", "session-token-value", null)
                .allow(ALICE)
                .allow("arn:aws:iam::123456789012:user/local-user")
                .hostName("Orders.Lattice.Test")
                .target(event -> {
                    INVOKED.add(event.getPath());
                    return echo(event);
                })
                .build();
        pem = dir.resolve("lattice.pem");
        lattice.certificate().writePem(pem);
    }

    @AfterAll
    static void stop() {
        lattice.close();
    }

    @Test
    void plainHttpListener_verifiesCurlsSignature_andRefusesABadOne() throws Exception {
        try (LocalLattice plain = LocalLattice.builder()
                .listener(ListenerProtocol.HTTP)
                .credential("AKIDALICE", "alice-secret-key", ALICE)
                .target(event -> {
                    INVOKED.add(event.getPath());
                    return echo(event);
                })
                .build()) {
            String url = plain.endpoint() + "/plain?b=2";
            Curl.Result signed = Curl.run(
                    null, url, signedBy(SCOPE, "AKIDALICE", "alice-secret-key").toArray(String[]::new));
            Curl.Result wrong = Curl.run(
                    null,
                    plain.endpoint() + "/plain-wrong",
                    signedBy(SCOPE, "AKIDALICE", "not-the-secret").toArray(String[]::new));
            Curl.Result unsigned = Curl.run(null, plain.endpoint() + "/plain-unsigned");

            assertTrue(
                    plain.endpoint().toString().startsWith("http://127.0.0.1:"),
                    plain.endpoint().toString());
            assertEquals(200, signed.status(), signed.body());
            VpcLatticeV2Request event = CODEC.readRequest(signed.body().getBytes(StandardCharsets.UTF_8));
            assertEquals("/plain?b=2", event.getPath());
            assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
            assertEquals(403, wrong.status(), wrong.body());
            assertTrue(wrong.body().startsWith("InvalidSignatureException: "), wrong.body());
            assertEquals(403, unsigned.status(), unsigned.body());
            assertTrue(unsigned.body().startsWith("AccessDeniedException: User: anonymous"), unsigned.body());
            assertFalse(INVOKED.contains("/plain-wrong") || INVOKED.contains("/plain-unsigned"), INVOKED.toString());
            IllegalStateException noCertificate =
                    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, plain::certificate);
            assertTrue(noCertificate.getMessage().contains("HTTP listener"), noCertificate.getMessage());
        }
    }

    private static Curl.Result curl(String path, List<String> args) throws Exception {
        return Curl.run(pem, lattice.endpoint() + path, args.toArray(String[]::new));
    }

    private static List<String> signedBy(String scope, String akid, String secret, String... more) {
        List<String> args = new ArrayList<>(Curl.sign(scope, akid, secret));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void signedGet_allowedPrincipal_reachesTargetWithLatticeEvent() throws Exception {
        Curl.Result result = curl(
                "/orders?a=1&a=2&b=x%20y", signedBy(SCOPE, "AKIDALICE", "alice-secret-key", "-H", "X-Custom: one"));

        assertEquals(200, result.status(), result.body());
        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("2.0", event.getVersion());
        assertEquals("GET", event.getMethod());
        assertEquals("/orders?a=1&a=2&b=x%20y", event.getPath());
        assertEquals(List.of("1", "2"), event.getQueryStringParameters().get("a"));
        assertEquals(List.of("x y"), event.getQueryStringParameters().get("b"));
        // curl 7.88 signs a repeated header twice in SignedHeaders (non-standard): multi-value headers are proven
        // with the SDK signer in LocalLatticeSdkSignerTest.
        assertEquals(List.of("one"), event.getHeaders().get("x-custom"));
        assertEquals(List.of("127.0.0.1"), event.getHeaders().get("x-forwarded-for"));
        assertEquals(List.of("UNSIGNED-PAYLOAD"), event.getHeaders().get("x-amz-content-sha256"));
        assertTrue(
                event.getHeaders().keySet().stream().allMatch(name -> name.equals(name.toLowerCase())),
                "header names are lower case: " + event.getHeaders().keySet());
        assertEquals("", event.getBody());
        assertFalse(event.getIsBase64Encoded());

        VpcLatticeV2Request.RequestContext context = event.getRequestContext();
        assertEquals("us-east-1", context.getRegion());
        assertEquals(lattice.serviceArn(), context.getServiceArn());
        assertTrue(context.getServiceNetworkArn()
                .matches("arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-[0-9a-f]{17}"));
        assertTrue(context.getTargetGroupArn()
                .matches("arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-[0-9a-f]{17}"));
        Instant received = event.requestTime().orElseThrow();
        assertTrue(
                Math.abs(ChronoUnit.SECONDS.between(received, Instant.now())) < 120,
                "timeEpoch is microseconds of now: " + context.getTimeEpoch());
        assertEquals(16, context.getTimeEpoch().length(), "microseconds, 16 digits: " + context.getTimeEpoch());
        assertEquals("AWS_IAM", context.getIdentity().getType());
        assertEquals(ALICE, context.getIdentity().getPrincipal());
        assertEquals("alice-session", context.getIdentity().getSessionName());
        assertTrue(context.getIdentity()
                .getSourceVpcArn()
                .matches("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-[0-9a-f]{17}"));
    }

    @Test
    void signedPost_jsonBody_isPassedAsText() throws Exception {
        Curl.Result result = curl(
                "/submit",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/json",
                        "--data-binary",
                        "{\"id\":1}"));

        assertEquals(200, result.status(), result.body());
        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("POST", event.getMethod());
        assertEquals("{\"id\":1}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
    }

    @Test
    void signedPost_binaryBody_isBase64Encoded() throws Exception {
        byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe, 10};
        Path file = Files.write(dir.resolve("binary.bin"), binary);
        Curl.Result result = curl(
                "/upload",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/octet-stream",
                        "--data-binary",
                        "@" + file));

        assertEquals(200, result.status(), result.body());
        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals(binary, event.decodeBody());
    }

    @Test
    void signedPost_contentEncodingOnNonTextType_isBase64EvenWhenUtf8() throws Exception {
        Curl.Result result = curl(
                "/upload",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/octet-stream",
                        "-H",
                        "Content-Encoding: identity",
                        "--data-binary",
                        "plain words"));

        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertTrue(event.getIsBase64Encoded());
        assertEquals("plain words", new String(event.decodeBody(), StandardCharsets.UTF_8));
    }

    @Test
    void unsigned_isDeniedAsAnonymous() throws Exception {
        Curl.Result result = curl("/orders", List.of());

        assertEquals(403, result.status());
        assertEquals(
                "AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke"
                        + " on resource: " + lattice.serviceArn() + "/orders because no service-based policy allows the"
                        + " vpc-lattice-svcs:Invoke action",
                result.body());
    }

    @Test
    void authenticatedButNotAllowed_isDeniedNamingThePrincipal() throws Exception {
        Curl.Result result = curl("/orders", signedBy(SCOPE, "AKIDBOB", "bob-secret-key"));

        assertEquals(403, result.status());
        assertTrue(
                result.body().startsWith("AccessDeniedException: User: " + BOB + " is not authorized"), result.body());
    }

    @Test
    void wrongSecret_isInvalidSignature() throws Exception {
        Curl.Result result = curl("/orders", signedBy(SCOPE, "AKIDALICE", "not-the-secret"));

        assertEquals(403, result.status());
        assertTrue(
                result.body().startsWith("InvalidSignatureException: The request signature we calculated"),
                result.body());
        assertFalse(result.body().contains("alice-secret-key"));
    }

    @Test
    void curlsOwnSignature_replayed_isAccepted_butTampered_isRejected() throws Exception {
        // Let curl sign (-v shows what it sent), then resend its exact headers with and without a changed signature.
        List<String> sent = new ArrayList<>();
        Process verbose = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "-v",
                        "-o",
                        "/dev/null",
                        "--max-time",
                        "30",
                        "--cacert",
                        pem.toString(),
                        "--aws-sigv4",
                        SCOPE,
                        "--user",
                        "AKIDALICE:alice-secret-key",
                        "-H",
                        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                        lattice.endpoint() + "/replay")
                .start();
        String trace = new String(verbose.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(verbose.waitFor(40, TimeUnit.SECONDS));
        for (String line : trace.split("\\R")) {
            if (line.startsWith("> Authorization: ") || line.startsWith("> X-Amz-Date: ")) {
                sent.add(line.substring(2));
            }
        }
        assertEquals(2, sent.size(), trace);
        String authorization = sent.stream()
                .filter(h -> h.startsWith("Authorization"))
                .findFirst()
                .orElseThrow();
        String date = sent.stream()
                .filter(h -> h.startsWith("X-Amz-Date"))
                .findFirst()
                .orElseThrow();
        char last = authorization.charAt(authorization.length() - 1);
        String tampered = authorization.substring(0, authorization.length() - 1) + (last == 'a' ? 'b' : 'a');

        Curl.Result replayed = curl(
                "/replay", List.of("-H", authorization, "-H", date, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"));
        Curl.Result forged =
                curl("/replay", List.of("-H", tampered, "-H", date, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"));

        assertEquals(200, replayed.status(), replayed.body());
        assertEquals(403, forged.status());
        assertTrue(
                forged.body().startsWith("InvalidSignatureException: The request signature we calculated"),
                forged.body());
    }

    @Test
    void wrongServiceName_isRejected() throws Exception {
        Curl.Result result =
                curl("/orders", signedBy("aws:amz:us-east-1:execute-api", "AKIDALICE", "alice-secret-key"));

        assertEquals(403, result.status());
        assertTrue(result.body().contains("scoped to correct service: 'vpc-lattice-svcs'"), result.body());
    }

    @Test
    void wrongRegion_isRejected() throws Exception {
        Curl.Result result =
                curl("/orders", signedBy("aws:amz:us-west-2:vpc-lattice-svcs", "AKIDALICE", "alice-secret-key"));

        assertEquals(403, result.status());
        assertTrue(result.body().contains("scoped to a valid region: 'us-east-1', not 'us-west-2'"), result.body());
    }

    @Test
    void ownDateHeader_whichCurlSendsTwice_isRefused() throws Exception {
        // curl 7.88 signs a date given with -H, then sends it twice (its copy and the -H line). A signed header the
        // signer sets must come once; the expiry of a stale date is proven with the SDK signer.
        String stale = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now().minus(10, ChronoUnit.MINUTES));
        Curl.Result result =
                curl("/orders", signedBy(SCOPE, "AKIDALICE", "alice-secret-key", "-H", "X-Amz-Date: " + stale));

        assertEquals(403, result.status());
        assertTrue(
                result.body().startsWith("IncompleteSignatureException: The 'x-amz-date' header must appear once"),
                result.body());
    }

    @Test
    void payloadHashNotUnsigned_isRejected() throws Exception {
        List<String> args = new ArrayList<>(List.of("--aws-sigv4", SCOPE, "--user", "AKIDALICE:alice-secret-key"));
        Curl.Result result = curl("/orders", args);

        assertEquals(403, result.status());
        assertTrue(result.body().contains("x-amz-content-sha256"), result.body());
    }

    @Test
    void unknownAccessKey_isRejected() throws Exception {
        Curl.Result result = curl("/orders", signedBy(SCOPE, "AKIDNOBODY", "whatever"));

        assertEquals(403, result.status());
        assertTrue(result.body().startsWith("UnrecognizedClientException:"), result.body());
    }

    @Test
    void sessionCredential_withSignedToken_isAccepted_andWithoutToken_isRejected() throws Exception {
        Curl.Result withToken = curl(
                "/orders",
                signedBy(SCOPE, "ASIATEMP", "temp-secret-key", "-H", "x-amz-security-token: session-token-value"));
        Curl.Result withoutToken = curl("/orders", signedBy(SCOPE, "ASIATEMP", "temp-secret-key"));
        Curl.Result wrongToken = curl(
                "/orders", signedBy(SCOPE, "ASIATEMP", "temp-secret-key", "-H", "x-amz-security-token: another-token"));

        assertEquals(200, withToken.status(), withToken.body());
        VpcLatticeV2Request event = CODEC.readRequest(withToken.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(
                "arn:aws:iam::123456789012:user/local-user",
                event.getRequestContext().getIdentity().getPrincipal());
        assertNull(event.getRequestContext().getIdentity().getSessionName());
        assertEquals(403, withoutToken.status());
        assertEquals(403, wrongToken.status());
        assertFalse(wrongToken.body().contains("session-token-value")
                || wrongToken.body().contains("another-token"));
    }

    @Test
    void bodyOver6Mb_gets413_andTheServerKeepsServing() throws Exception {
        Path big = dir.resolve("big.bin");
        byte[] chunk = new byte[1024 * 1024];
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 7; i++) {
                out.write(chunk);
            }
        }
        Curl.Result result = curl(
                "/upload",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/octet-stream",
                        "--data-binary",
                        "@" + big));
        Curl.Result after = curl("/after", signedBy(SCOPE, "AKIDALICE", "alice-secret-key"));

        assertEquals(413, result.status(), result.body());
        assertTrue(result.body().contains("6 MB"), result.body());
        assertEquals(200, after.status());
    }

    @Test
    void noSecretEverAppearsInAnyAnswer() throws Exception {
        for (Curl.Result result : Stream.of(
                        curl("/x", signedBy(SCOPE, "AKIDALICE", "wrong")),
                        curl("/x", signedBy(SCOPE, "AKIDBOB", "bob-secret-key")),
                        curl("/x", signedBy("aws:amz:eu-west-1:vpc-lattice-svcs", "AKIDALICE", "alice-secret-key")))
                .toList()) {
            assertFalse(result.body().contains("Signature="), result.body());
            assertFalse(result.body().contains("secret"), result.body());
        }
    }

    @Test
    void userAgentAmongCurlsSignedHeaders_isRefusedNamingTheHeader() throws Exception {
        // curl signs every header given with -H, so its own User-Agent lands in SignedHeaders.
        Curl.Result result =
                curl("/orders", signedBy(SCOPE, "AKIDALICE", "alice-secret-key", "-H", "User-Agent: mine"));

        assertEquals(403, result.status(), result.body());
        assertTrue(
                result.body()
                        .startsWith("InvalidSignatureException: This local VPC Lattice cannot verify a"
                                + " signature that covers the 'user-agent' header (real VPC Lattice would)"),
                result.body());
        assertFalse(result.body().contains("does not match"), result.body());
    }

    @Test
    void signedForAnotherHost_getsNotFound_evenWithAValidSignature() throws Exception {
        int port = lattice.port();
        // -k: the certificate does not cover other-svc.example; the point is what the server answers to its Host.
        Curl.Result result = Curl.run(
                pem,
                "https://other-svc.example:" + port + "/orders",
                signedBy(
                                SCOPE,
                                "AKIDALICE",
                                "alice-secret-key",
                                "-k",
                                "--resolve",
                                "other-svc.example:" + port + ":127.0.0.1")
                        .toArray(String[]::new));
        Curl.Result wrongPort =
                curl("/orders", signedBy(SCOPE, "AKIDALICE", "alice-secret-key", "-H", "Host: localhost:1"));

        assertEquals(404, result.status(), result.body());
        assertTrue(
                result.body()
                        .startsWith("NotFoundException: This local VPC Lattice serves no service for host"
                                + " 'other-svc.example:" + port + "'"),
                result.body());
        assertEquals(404, wrongPort.status(), wrongPort.body());
    }

    @Test
    void configuredHostName_isServed_andCoveredByTheCertificate() throws Exception {
        int port = lattice.port();
        Curl.Result result = Curl.run(
                pem,
                "https://orders.lattice.test:" + port + "/orders",
                signedBy(
                                SCOPE,
                                "AKIDALICE",
                                "alice-secret-key",
                                "--resolve",
                                "orders.lattice.test:" + port + ":127.0.0.1")
                        .toArray(String[]::new));

        assertEquals(200, result.status(), result.body());
        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("orders.lattice.test:" + port), event.getHeaders().get("host"));
    }

    @Test
    void loopbackNamesWithThisPort_areServed() throws Exception {
        int port = lattice.port();
        for (String host : List.of("localhost", "127.0.0.1")) {
            Curl.Result result = Curl.run(
                    pem,
                    "https://" + host + ":" + port + "/loop",
                    signedBy(SCOPE, "AKIDALICE", "alice-secret-key").toArray(String[]::new));

            assertEquals(200, result.status(), host + ": " + result.body());
        }
    }

    @Test
    void curl788_signsThePathAsSent_soAnEscapedPathNeedsTheSingleEncodedServer() throws Exception {
        // curl 7.88 puts the path into its canonical request as given (no normalization, no second encoding).
        Curl.Result onDefault = curl("/files/curl%20path", signedBy(SCOPE, "AKIDALICE", "alice-secret-key"));
        Curl.Result plainPath = curl("/files/plain", signedBy(SCOPE, "AKIDALICE", "alice-secret-key"));
        Curl.Result onSingle;
        try (LocalLattice single = LocalLattice.builder()
                .credential("AKIDALICE", "alice-secret-key", ALICE)
                .canonicalPathForm(CanonicalPathForm.SINGLE_ENCODED)
                .target(LocalLatticeCurlTest::echo)
                .build()) {
            Path singlePem = dir.resolve("single.pem");
            single.certificate().writePem(singlePem);
            onSingle = Curl.run(
                    singlePem,
                    single.endpoint() + "/files/curl%20path",
                    signedBy(SCOPE, "AKIDALICE", "alice-secret-key").toArray(String[]::new));
        }

        assertEquals(403, onDefault.status(), onDefault.body());
        assertTrue(onDefault.body().contains("computed over the path in the single-encoded form"), onDefault.body());
        assertFalse(INVOKED.contains("/files/curl%20path"), INVOKED.toString());
        assertEquals(200, plainPath.status(), "a path without escapes is the same in both forms: " + plainPath.body());
        assertEquals(200, onSingle.status(), onSingle.body());
        assertEquals(
                "/files/curl%20path",
                CODEC.readRequest(onSingle.body().getBytes(StandardCharsets.UTF_8))
                        .getPath());
    }

    @Test
    void authTypeNone_unsignedPasses_wrongSecretIs403AsUnderAwsIam_validSignatureCarriesThePrincipal()
            throws Exception {
        List<String> invoked = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalLattice none = LocalLattice.builder()
                .authType(AuthType.NONE)
                .credential("AKIDALICE", "alice-secret-key", ALICE)
                .target(event -> {
                    invoked.add(event.getPath());
                    return echo(event);
                })
                .build()) {
            Path nonePem = dir.resolve("none.pem");
            none.certificate().writePem(nonePem);
            Curl.Result unsigned = Curl.run(nonePem, none.endpoint() + "/unsigned");
            Curl.Result wrong = Curl.run(
                    nonePem,
                    none.endpoint() + "/wrong",
                    signedBy(SCOPE, "AKIDALICE", "not-the-secret").toArray(String[]::new));
            Curl.Result unknownKey = Curl.run(
                    nonePem,
                    none.endpoint() + "/unknown",
                    signedBy(SCOPE, "AKIDNOBODY", "whatever").toArray(String[]::new));
            Curl.Result valid = Curl.run(
                    nonePem,
                    none.endpoint() + "/valid",
                    signedBy(SCOPE, "AKIDALICE", "alice-secret-key").toArray(String[]::new));

            assertEquals(
                    "NONE",
                    CODEC.readRequest(unsigned.body().getBytes(StandardCharsets.UTF_8))
                            .getRequestContext()
                            .getIdentity()
                            .getType());
            assertEquals(403, wrong.status(), wrong.body());
            assertTrue(
                    wrong.body().startsWith("InvalidSignatureException: The request signature we calculated"),
                    wrong.body());
            assertEquals(403, unknownKey.status(), unknownKey.body());
            assertTrue(unknownKey.body().startsWith("UnrecognizedClientException:"), unknownKey.body());
            assertEquals(
                    ALICE,
                    CODEC.readRequest(valid.body().getBytes(StandardCharsets.UTF_8))
                            .getRequestContext()
                            .getIdentity()
                            .getPrincipal());
            assertEquals(List.of("/unsigned", "/valid"), invoked);
        }
    }

    @Test
    void latticeIdentityHeadersSentByTheClient_neverReachTheEvent() throws Exception {
        Curl.Result result = curl(
                "/spoofed",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "x-amzn-lattice-identity: Principal=arn:aws:iam::123456789012:root",
                        "-H",
                        "x-amzn-lattice-target: ServiceArn=arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-x"));

        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertTrue(
                event.getHeaders().keySet().stream().noneMatch(name -> name.startsWith("x-amzn-lattice-")),
                event.getHeaders().toString());
        assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
    }

    @Test
    void signedContentTypeWithAnUpperCaseCharset_isVerified_andReachesTheEventAsSent() throws Exception {
        Curl.Result result = curl(
                "/charset",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/json; charset=UTF-8",
                        "--data-binary",
                        "{}"));

        assertEquals(200, result.status(), result.body());
        VpcLatticeV2Request event = CODEC.readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(
                List.of("application/json; charset=UTF-8"), event.getHeaders().get("content-type"));
    }

    @Test
    void signatureOverXForwardedFor_isRefusedNamingTheHeader() throws Exception {
        Curl.Result result =
                curl("/xff", signedBy(SCOPE, "AKIDALICE", "alice-secret-key", "-H", "X-Forwarded-For: 10.1.2.3"));

        assertEquals(403, result.status(), result.body());
        assertTrue(result.body().contains("covers the 'x-forwarded-for' header"), result.body());
    }

    @Test
    void fiveMbBinaryBody_isOver6MbAsAnEvent_gets413_andNeverReachesTheTarget() throws Exception {
        Path binary = dir.resolve("five-mb.bin");
        byte[] bytes = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(bytes, (byte) 0xfe);
        Files.write(binary, bytes);

        Curl.Result result = curl(
                "/five-mb",
                signedBy(
                        SCOPE,
                        "AKIDALICE",
                        "alice-secret-key",
                        "-H",
                        "Content-Type: application/octet-stream",
                        "--data-binary",
                        "@" + binary));

        assertEquals(413, result.status(), result.body());
        assertTrue(
                result.body().startsWith("PayloadTooLargeException: The Lambda event for this request would be"),
                result.body());
        assertFalse(INVOKED.contains("/five-mb"), INVOKED.toString());
    }
}
