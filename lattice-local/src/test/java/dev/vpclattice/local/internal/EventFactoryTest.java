package dev.vpclattice.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Request;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The event as Lattice builds it, field by field. */
class EventFactoryTest {
    private final EventFactory factory = new EventFactory(
            LatticeResources.of("eu-central-1", "111122223333"),
            new CallerDetails("o-exampleorg", null, java.util.Map.of(), java.util.Map.of()));

    private static Map<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return headers;
    }

    @ParameterizedTest(name = "{0} with content-encoding {1} -> base64 {2}")
    @CsvSource({
        "application/octet-stream, gzip, true",
        "image/png, br, true",
        "text/plain, gzip, false",
        "text/html; charset=utf-8, gzip, false",
        "application/json, gzip, false",
        "application/xml, deflate, false",
        "application/javascript, gzip, false",
        "application/octet-stream, '', false",
    })
    void utf8Body_isBase64_onlyWithContentEncodingAndNonTextType(String type, String encoding, boolean base64) {
        Map<String, List<String>> headers = encoding.isEmpty()
                ? headers("content-type", type)
                : headers("content-type", type, "content-encoding", encoding);

        VpcLatticeV2Request event = factory.build(
                "POST", "/", null, headers, "hello".getBytes(StandardCharsets.UTF_8), "10.0.0.12", null, Instant.now());

        assertEquals(base64, event.getIsBase64Encoded());
        assertEquals("hello", new String(event.decodeBody(), StandardCharsets.UTF_8));
    }

    @Test
    void bodyThatIsNotUtf8_isBase64_soBinarySurvives() {
        byte[] binary = {(byte) 0xc3, (byte) 0x28, 0, (byte) 0xff};

        VpcLatticeV2Request event = factory.build(
                "PUT", "/", null, headers("content-type", "text/plain"), binary, "10.0.0.12", null, Instant.now());

        assertTrue(event.getIsBase64Encoded());
        assertEquals(
                List.of((byte) 0xc3, (byte) 0x28, (byte) 0, (byte) 0xff),
                List.of(event.decodeBody()[0], event.decodeBody()[1], event.decodeBody()[2], event.decodeBody()[3]));
    }

    @Test
    void pathQueryHeadersAndForwardedFor() {
        VpcLatticeV2Request event = factory.build(
                "get",
                "/a%20b",
                "x=1&x=2&flag&y=%2B+",
                headers("x-forwarded-for", "192.0.2.1", "connection", "keep-alive", "accept", "*/*"),
                new byte[0],
                "10.0.0.12",
                null,
                Instant.ofEpochSecond(1690497599L, 177_430_123L));

        assertEquals("GET", event.getMethod());
        assertEquals("/a%20b?x=1&x=2&flag&y=%2B+", event.getPath());
        assertEquals(
                Map.of("x", List.of("1", "2"), "flag", List.of(""), "y", List.of("++")),
                event.getQueryStringParameters());
        assertEquals(List.of("192.0.2.1, 10.0.0.12"), event.getHeaders().get("x-forwarded-for"));
        assertFalse(event.getHeaders().containsKey("connection"), "hop-by-hop headers are not forwarded");
        assertEquals("", event.getBody());
        assertEquals("1690497599177430", event.getRequestContext().getTimeEpoch());
        assertEquals("eu-central-1", event.getRequestContext().getRegion());
        assertEquals(
                "arn:aws:vpc-lattice:eu-central-1:111122223333:service/svc-0123456789abcdef0",
                event.getRequestContext().getServiceArn());
    }

    @Test
    void query_isParsedByTheEventModelsRule_andStaysAMutableBeanProperty() {
        // GIVEN a query with a raw '+', a malformed escape and a well-formed one
        String rawQuery = "q=a+b&bad=%zz&ok=x%20y";

        // WHEN lattice-local builds the event
        VpcLatticeV2Request event =
                factory.build("GET", "/search", rawQuery, headers(), new byte[0], "10.0.0.12", null, Instant.now());

        // THEN it reads the query exactly as the event model reads the same path, and a target may still edit it
        assertEquals(
                Map.of("q", List.of("a+b"), "bad", List.of("%zz"), "ok", List.of("x y")),
                event.getQueryStringParameters());
        assertEquals(event.queryParameters(), dev.vpclattice.contract.QueryStrings.parse(rawQuery));
        event.getQueryStringParameters().get("ok").add("added by a target");
        event.getQueryStringParameters().remove("bad");
    }

    @Test
    void identity_signedCaller_vs_anonymous() {
        LocalCredential caller = new LocalCredential(
                "AKID", "secret", null, "arn:aws:sts::111122223333:assumed-role/app-role/session-7");

        VpcLatticeV2Request.Identity signed = factory.build(
                        "GET", "/", null, headers(), new byte[0], "10.0.0.12", caller, Instant.now())
                .getRequestContext()
                .getIdentity();
        VpcLatticeV2Request.Identity anonymous = factory.build(
                        "GET", "/", null, headers(), new byte[0], "10.0.0.12", null, Instant.now())
                .getRequestContext()
                .getIdentity();

        assertEquals("AWS_IAM", signed.getType());
        assertEquals("arn:aws:sts::111122223333:assumed-role/app-role/session-7", signed.getPrincipal());
        assertEquals("session-7", signed.getSessionName());
        assertEquals("o-exampleorg", signed.getPrincipalOrgID());
        assertEquals("arn:aws:ec2:eu-central-1:111122223333:vpc/vpc-0123456789abcdef0", signed.getSourceVpcArn());
        assertEquals("NONE", anonymous.getType());
        assertNull(anonymous.getPrincipal());
        assertNull(anonymous.getPrincipalOrgID());
    }

    @Test
    void credential_toString_hidesSecretAndToken() {
        LocalCredential credential =
                new LocalCredential("AKID", "very-secret", "very-token", "arn:aws:iam::111122223333:user/u");

        assertFalse(credential.toString().contains("very-secret"));
        assertFalse(credential.toString().contains("very-token"));
        assertNull(credential.sessionName(), "an IAM user has no session name");
    }
}
