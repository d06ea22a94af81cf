package dev.vpclattice.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The verifier against requests signed by the SDK's AwsV4HttpSigner with a pinned clock, then edited the way a broken
 * or malicious client would edit them.
 */
class SigV4VerifierTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final LocalCredential ALICE =
            new LocalCredential("AKIDALICE", "alice-secret", null, "arn:aws:iam::123456789012:user/alice");
    private final SigV4Verifier verifier =
            new SigV4Verifier("us-east-1", Map.of("AKIDALICE", ALICE), Clock.fixed(NOW, ZoneOffset.UTC));

    /** Signs GET https://localhost:8443/orders?b=2&a=1 like a Lattice client, then returns the wire headers. */
    private static Map<String, List<String>> signedHeaders(UnaryOperator<SdkHttpRequest.Builder> before) {
        SdkHttpRequest request = before.apply(SdkHttpRequest.builder()
                        .uri(URI.create("https://localhost:8443"))
                        .method(SdkHttpMethod.GET)
                        .encodedPath("/orders")
                        .appendRawQueryParameter("b", "2")
                        .appendRawQueryParameter("a", "1"))
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsCredentialsIdentity.create("AKIDALICE", "alice-secret"))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)))
                .request();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.forEachHeader((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(values)));
        return headers;
    }

    private SigV4Verifier.Result verify(Map<String, List<String>> headers) {
        return verifier.verify("GET", "/orders", "b=2&a=1", headers);
    }

    @Test
    void untouchedRequest_isAuthenticated() {
        SigV4Verifier.Result result = verify(signedHeaders(b -> b));

        assertEquals(
                ALICE,
                assertInstanceOf(SigV4Verifier.Authenticated.class, result).credential());
    }

    @Test
    void noAuthorization_isUnsigned() {
        assertInstanceOf(SigV4Verifier.Unsigned.class, verify(Map.of("host", List.of("localhost:8443"))));
    }

    @Test
    void signedHeaderRemoved_isIncomplete() {
        Map<String, List<String>> headers = signedHeaders(b -> b.putHeader("X-Tenant", "blue"));
        headers.remove("x-tenant");

        SigV4Verifier.Rejected rejected = assertInstanceOf(SigV4Verifier.Rejected.class, verify(headers));

        assertEquals("IncompleteSignatureException", rejected.errorCode());
        assertTrue(rejected.message().contains("'x-tenant' is named as a SignedHeader"), rejected.message());
    }

    @Test
    void differentHostOrQueryOrMethod_isInvalidSignature() {
        Map<String, List<String>> otherHost = signedHeaders(b -> b);
        otherHost.put("host", List.of("localhost:9443"));

        assertEquals("InvalidSignatureException", ((SigV4Verifier.Rejected) verify(otherHost)).errorCode());
        assertInstanceOf(
                SigV4Verifier.Rejected.class, verifier.verify("GET", "/orders", "b=2&a=2", signedHeaders(b -> b)));
        assertInstanceOf(
                SigV4Verifier.Rejected.class, verifier.verify("DELETE", "/orders", "b=2&a=1", signedHeaders(b -> b)));
    }

    @Test
    void malformedEscapeInTheQuery_isIncomplete_withoutEchoingTheQuery() {
        SigV4Verifier.Result result = verifier.verify("GET", "/orders", "b=2&token=secret%zz", signedHeaders(b -> b));

        SigV4Verifier.Rejected rejected = assertInstanceOf(SigV4Verifier.Rejected.class, result);
        assertEquals("IncompleteSignatureException", rejected.errorCode());
        assertTrue(
                rejected.message().startsWith("The request cannot be canonicalized: Malformed percent escape"),
                rejected.message());
        assertFalse(rejected.message().contains("secret"), rejected.message());
    }

    @Test
    void hostNotAmongSignedHeaders_isIncomplete() {
        Map<String, List<String>> headers = signedHeaders(b -> b);
        String authorization = headers.get("authorization").get(0).replace("SignedHeaders=host;", "SignedHeaders=");
        headers.put("authorization", List.of(authorization));

        SigV4Verifier.Rejected rejected = assertInstanceOf(SigV4Verifier.Rejected.class, verify(headers));

        assertEquals("'Host' must be a signed header.", rejected.message());
    }

    @Test
    void scopeDateDifferentFromXAmzDate_isRejected() {
        Map<String, List<String>> headers = signedHeaders(b -> b);
        headers.put("authorization", List.of(headers.get("authorization").get(0).replace("/20260301/", "/20260228/")));

        SigV4Verifier.Rejected rejected = assertInstanceOf(SigV4Verifier.Rejected.class, verify(headers));

        assertTrue(rejected.message().startsWith("Date in Credential scope does not match"), rejected.message());
    }

    @Test
    void malformedAuthorization_isIncomplete_andNeverEchoesItsValue() {
        SigV4Verifier.Rejected scheme = assertInstanceOf(
                SigV4Verifier.Rejected.class, verify(Map.of("authorization", List.of("Bearer sk-very-secret-token"))));
        SigV4Verifier.Rejected missing = assertInstanceOf(
                SigV4Verifier.Rejected.class,
                verify(Map.of("authorization", List.of("AWS4-HMAC-SHA256 Signature=abc"))));

        assertEquals("IncompleteSignatureException", scheme.errorCode());
        assertFalse(scheme.message().contains("sk-very-secret-token"), scheme.message());
        assertEquals("IncompleteSignatureException", missing.errorCode());
    }

    @Test
    void sessionTokenSentForLongTermKey_isUnrecognized() {
        Map<String, List<String>> headers = signedHeaders(b -> b);
        headers.put("x-amz-security-token", List.of("stolen-token"));

        SigV4Verifier.Rejected rejected = assertInstanceOf(SigV4Verifier.Rejected.class, verify(headers));

        assertEquals("UnrecognizedClientException", rejected.errorCode());
        assertFalse(rejected.message().contains("stolen-token"));
    }

    @Test
    void dateMoreThan5MinutesAhead_isNotYetCurrent_andOneBehind_isExpired() {
        SigV4Verifier early = new SigV4Verifier(
                "us-east-1", Map.of("AKIDALICE", ALICE), Clock.fixed(NOW.minusSeconds(6 * 60), ZoneOffset.UTC));
        SigV4Verifier late = new SigV4Verifier(
                "us-east-1", Map.of("AKIDALICE", ALICE), Clock.fixed(NOW.plusSeconds(6 * 60), ZoneOffset.UTC));

        SigV4Verifier.Rejected future = assertInstanceOf(
                SigV4Verifier.Rejected.class, early.verify("GET", "/orders", "b=2&a=1", signedHeaders(b -> b)));
        SigV4Verifier.Rejected past = assertInstanceOf(
                SigV4Verifier.Rejected.class, late.verify("GET", "/orders", "b=2&a=1", signedHeaders(b -> b)));

        // The server's clock is 11:54; the request says 12:00: AWS's words for a date from the future.
        assertEquals(
                "Signature not yet current: 20260301T120000Z is still later than 20260301T115900Z"
                        + " (20260301T115400Z + 5 min.)",
                future.message());
        assertEquals("InvalidSignatureException", future.errorCode());
        assertEquals(
                "Signature expired: 20260301T120000Z is now earlier than 20260301T120100Z"
                        + " (20260301T120600Z - 5 min.)",
                past.message());
    }

    @Test
    void singleFormVerifier_acceptsThePathAsSigned_andNamesItsFormForAnSdkFormSignature() {
        SigV4Verifier single = new SigV4Verifier(
                "us-east-1",
                Map.of("AKIDALICE", ALICE),
                Clock.fixed(NOW, ZoneOffset.UTC),
                dev.vpclattice.local.CanonicalPathForm.SINGLE_ENCODED);
        Map<String, List<String>> sdkSigned = signedHeaders(b -> b.encodedPath("/a%20b"));

        SigV4Verifier.Result onDefault = verifier.verify("GET", "/a%20b", "b=2&a=1", sdkSigned);
        SigV4Verifier.Rejected onSingle =
                assertInstanceOf(SigV4Verifier.Rejected.class, single.verify("GET", "/a%20b", "b=2&a=1", sdkSigned));

        assertInstanceOf(SigV4Verifier.Authenticated.class, onDefault);
        assertEquals("InvalidSignatureException", onSingle.errorCode());
        assertTrue(
                onSingle.message().contains("verifies the path in the single-encoded form")
                        && onSingle.message().contains("computed over the path in the SDK's form"),
                onSingle.message());
    }

    @Test
    void signatureNotMatchingInEitherForm_isAPlainMismatch() {
        Map<String, List<String>> headers = signedHeaders(b -> b.encodedPath("/a%20b"));

        SigV4Verifier.Rejected rejected =
                assertInstanceOf(SigV4Verifier.Rejected.class, verifier.verify("GET", "/a%20c", "b=2&a=1", headers));

        assertEquals(
                "The request signature we calculated does not match the signature you provided. Check your AWS"
                        + " Secret Access Key and signing method.",
                rejected.message());
    }
}
