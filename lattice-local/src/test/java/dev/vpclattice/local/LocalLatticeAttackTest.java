package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Attacks on authentication and framing, sent byte for byte over raw TLS sockets with signatures made by the SDK's
 * own signer: a signature for another host replayed in absolute form, extra values of signed headers, a malformed
 * Authorization header, SigV4 in disguise under auth type NONE, and transfer codings and response headers that HTTP
 * does not allow. Every refused request is checked never to reach the target.
 */
@Timeout(120)
class LocalLatticeAttackTest {
    private static final String ERIN = "arn:aws:iam::123456789012:user/erin";
    private static final AwsCredentialsIdentity KEYS = AwsCredentialsIdentity.create("AKIDERIN", "erin-secret");
    private static final AwsSessionCredentialsIdentity SESSION =
            AwsSessionCredentialsIdentity.create("ASIAERIN", "erin-session-secret", "erin-token");
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    private static final int READ_TIMEOUT_MILLIS = 20_000;
    /** Every path the target was invoked with: a refused request must never appear here. */
    private static final List<String> INVOKED = new CopyOnWriteArrayList<>();

    static LocalLattice iam;
    static LocalLattice none;
    static SdkCaller signer;

    @BeforeAll
    static void start() {
        iam = start(LocalLattice.builder());
        none = start(LocalLattice.builder().authType(AuthType.NONE));
        signer = new SdkCaller(iam);
    }

    private static LocalLattice start(LocalLattice.Builder builder) {
        return builder.credential("AKIDERIN", "erin-secret", ERIN)
                .sessionCredential("ASIAERIN", "erin-session-secret", "erin-token", ERIN)
                .target(event -> {
                    String path = event.getPath();
                    INVOKED.add(path);
                    if (path.startsWith("/bad-header-name")) {
                        return VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .header("x bad name", "value")
                                .body("should not pass")
                                .build();
                    }
                    if (path.startsWith("/split-response")) {
                        return VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .header("x-split", "a\r\nSet-Cookie: injected=1")
                                .body("should not pass")
                                .build();
                    }
                    return LocalLatticeCurlTest.echo(event);
                })
                .build();
    }

    @AfterAll
    static void stop() {
        signer.close();
        for (LocalLattice lattice : new LocalLattice[] {iam, none}) {
            if (lattice != null) {
                lattice.close();
            }
        }
    }

    /** The request as the SDK signs it for {@code lattice}, its headers in wire order. */
    private static SdkHttpRequest signed(
            LocalLattice lattice,
            String path,
            AwsCredentialsIdentity identity,
            UnaryOperator<SdkHttpRequest.Builder> edit) {
        SdkHttpRequest request = edit.apply(SdkCaller.request(lattice.endpoint(), SdkHttpMethod.GET, path))
                .build();
        return signer.sign(request, null, identity, r -> r).request();
    }

    /** The head of {@code request} as an HTTP/1.1 message; {@code extra} lines go after the signed headers. */
    private static String head(String requestTarget, SdkHttpRequest request, String... extra) {
        StringBuilder head = new StringBuilder("GET " + requestTarget + " HTTP/1.1\r\n");
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            for (String value : header.getValue()) {
                head.append(header.getKey()).append(": ").append(value).append("\r\n");
            }
        }
        for (String line : extra) {
            head.append(line).append("\r\n");
        }
        return head.append("Connection: close\r\n\r\n").toString();
    }

    private static String target(SdkHttpRequest request) {
        return request.encodedPath()
                + request.encodedQueryParameters().map(q -> "?" + q).orElse("");
    }

    private static List<String> exchange(LocalLattice lattice, String head) throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            return socket.send(head).readResponse();
        }
    }

    private static void assertRefused(List<String> response, String status, String bodyPrefix) {
        assertEquals(status, response.get(0), response.toString());
        assertTrue(response.get(response.size() - 1).startsWith(bodyPrefix), response.toString());
    }

    @Test
    void signatureForAnotherHost_replayedInAbsoluteFormAtThisOne_is400_andNeverReachesTheTarget() throws Exception {
        // The attacker holds a request signed for other-svc.example and sends it with this service's authority in the
        // request target: routing by the target and verifying by the Host header would accept it.
        SdkHttpRequest forOther = signed(iam, "/absolute-replay", KEYS, b -> b.host("other-svc.example"));
        String target = "https://127.0.0.1:" + iam.port() + "/absolute-replay";

        List<String> replayed = exchange(iam, head(target, forOther));
        List<String> foreignAuthority = exchange(
                iam,
                head(
                        "https://elsewhere.example:" + iam.port() + "/absolute-foreign",
                        signed(iam, "/absolute-foreign", KEYS, b -> b)));

        assertRefused(replayed, "HTTP/1.1 400 Bad Request", "BadRequestException: The request target's authority");
        assertRefused(foreignAuthority, "HTTP/1.1 400 Bad Request", "BadRequestException: ");
        assertFalse(INVOKED.contains("/absolute-replay") || INVOKED.contains("/absolute-foreign"), INVOKED.toString());
    }

    @Test
    void absoluteFormWhoseAuthorityIsTheSignedHost_isServed() throws Exception {
        SdkHttpRequest request = signed(iam, "/absolute-same", KEYS, b -> b);
        String authority = "127.0.0.1:" + iam.port();

        List<String> response = exchange(iam, head("https://" + authority + "/absolute-same", request));

        assertEquals("HTTP/1.1 200 OK", response.get(0), response.toString());
        assertEquals(
                ERIN,
                CODEC.readRequest(response.get(response.size() - 1).getBytes(StandardCharsets.UTF_8))
                        .getRequestContext()
                        .getIdentity()
                        .getPrincipal());
    }

    @Test
    void secondValueOfASignerSetHeader_appendedAfterSigning_is403_andNeverReachesTheTarget() throws Exception {
        List<String> refused = new ArrayList<>();
        String[][] appended = {
            {"/dup-date", "x-amz-date: 20200101T000000Z"},
            {"/dup-sha", "x-amz-content-sha256: UNSIGNED-PAYLOAD"},
            {"/dup-token", "x-amz-security-token: another-token"},
            {"/dup-host", "Host: 127.0.0.1:" + iam.port()},
        };
        for (String[] attack : appended) {
            SdkHttpRequest request = signed(iam, attack[0], SESSION, b -> b);
            List<String> response = exchange(iam, head(target(request), request, attack[1]));
            refused.add(attack[0] + " " + response.get(0) + " " + response.get(response.size() - 1));
            assertTrue(response.get(0).startsWith("HTTP/1.1 4"), refused.toString());
            if (!attack[0].equals("/dup-host")) {
                // Jetty itself refuses a second Host header with 400 before the signature is looked at.
                assertRefused(response, "HTTP/1.1 403 Forbidden", "IncompleteSignatureException: The '");
            }
        }
        assertTrue(INVOKED.stream().noneMatch(path -> path.startsWith("/dup-")), INVOKED.toString());
    }

    @Test
    void malformedAuthorizationParts_are403_andNeverReachTheTarget() throws Exception {
        SdkHttpRequest request = signed(iam, "/auth-parts", KEYS, b -> b);
        String authorization = request.firstMatchingHeader("Authorization").orElseThrow();
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
        List<String> reordered = new ArrayList<>(List.of(signedHeaders.split(";")));
        java.util.Collections.reverse(reordered);
        List<String> variants = List.of(
                authorization.replace("Signature=", "Signature=00, Signature="),
                authorization.replace("SignedHeaders=" + signedHeaders, "SignedHeaders=" + String.join(";", reordered)),
                authorization.replace("SignedHeaders=" + signedHeaders, "SignedHeaders=" + signedHeaders.toUpperCase()),
                authorization.replace("SignedHeaders=" + signedHeaders, "SignedHeaders=" + signedHeaders + ";host"),
                authorization + ", Extra=1");

        for (String variant : variants) {
            SdkHttpRequest edited =
                    request.toBuilder().putHeader("Authorization", variant).build();
            List<String> response = exchange(iam, head(target(edited), edited));
            assertEquals("HTTP/1.1 403 Forbidden", response.get(0), variant + " -> " + response);
            assertFalse(
                    response.get(response.size() - 1).contains(authorization.substring(authorization.length() - 64)));
        }
        // The untouched request passes, so each refusal above is the edit's doing.
        assertEquals(
                "HTTP/1.1 200 OK", exchange(iam, head(target(request), request)).get(0));
        assertEquals(1, INVOKED.stream().filter("/auth-parts"::equals).count(), INVOKED.toString());
    }

    @Test
    void authTypeNone_sigV4InDisguise_isVerified_and403_andNeverReachesTheTarget() throws Exception {
        SdkHttpRequest valid = signed(none, "/disguise", KEYS, b -> b);
        String authorization = valid.firstMatchingHeader("Authorization").orElseThrow();
        String wrongSignature = authorization.substring(0, authorization.length() - 64) + "0".repeat(64);
        String presignedTarget = "/disguise-presigned?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIDERIN%2F20260101%2Fus-east-1%2Fvpc-lattice-svcs%2Faws4_request"
                + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=" + "ab".repeat(32);

        List<String> lowerCase = exchange(
                none,
                head(
                        "/disguise-lower",
                        valid.toBuilder()
                                .putHeader("Authorization", authorization.toLowerCase())
                                .build()));
        List<String> bearerThenSigV4 = exchange(
                none,
                head(
                        "/disguise-bearer",
                        valid.toBuilder()
                                .putHeader("Authorization", "Bearer x, " + wrongSignature)
                                .build()));
        List<String> twoAuthorizations = exchange(
                none,
                head(
                        "/disguise-two",
                        valid.toBuilder().removeHeader("Authorization").build(),
                        "Authorization: Bearer x",
                        "Authorization: " + wrongSignature));
        List<String> presignedWrong = exchange(
                none,
                "GET " + presignedTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + none.port()
                        + "\r\nConnection: close\r\n\r\n");
        List<String> bearerAlone = exchange(
                none,
                head(
                        "/disguise-plain-bearer",
                        valid.toBuilder()
                                .putHeader("Authorization", "Bearer token")
                                .build()));

        assertRefused(lowerCase, "HTTP/1.1 403 Forbidden", "IncompleteSignatureException: ");
        assertRefused(bearerThenSigV4, "HTTP/1.1 403 Forbidden", "IncompleteSignatureException: ");
        assertRefused(twoAuthorizations, "HTTP/1.1 403 Forbidden", "IncompleteSignatureException: ");
        assertRefused(presignedWrong, "HTTP/1.1 403 Forbidden", "InvalidSignatureException: ");
        assertEquals("HTTP/1.1 200 OK", bearerAlone.get(0), "another scheme alone is the application's business");
        assertTrue(
                INVOKED.stream()
                        .noneMatch(path -> path.startsWith("/disguise-") && !path.startsWith("/disguise-plain-bearer")),
                INVOKED.toString());
    }

    @Test
    void transferCodingOtherThanChunked_is501_andChunkedOnHttp10_is400_andNeitherReachesTheTarget() throws Exception {
        String host = "127.0.0.1:" + none.port();
        List<String> gzipChunked = exchange(
                none,
                "POST /te-gzip HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        List<String> http10 = exchange(
                none,
                "POST /te-http10 HTTP/1.0\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertRefused(gzipChunked, "HTTP/1.1 501 Not Implemented", "NotImplementedException: ");
        assertTrue(http10.get(0).matches("HTTP/1\\.[01] 400 Bad Request"), http10.toString());
        assertTrue(INVOKED.stream().noneMatch(path -> path.startsWith("/te-")), INVOKED.toString());
    }

    @Test
    void responseHeaderThatIsNotValidHttp_is502() throws Exception {
        String host = "127.0.0.1:" + none.port();
        List<String> badName = exchange(none, "GET /bad-header-name HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        List<String> splitting = exchange(none, "GET /split-response HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertEquals("HTTP/1.1 502 Bad Gateway", badName.get(0), badName.toString());
        assertEquals("HTTP/1.1 502 Bad Gateway", splitting.get(0), splitting.toString());
        assertTrue(splitting.stream().noneMatch(line -> line.startsWith("Set-Cookie")), splitting.toString());
    }
}
