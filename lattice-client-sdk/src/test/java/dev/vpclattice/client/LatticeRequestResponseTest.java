package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatticeRequestResponseTest {

    @Test
    void url_fromDnsName_meansHttpsOnTheDefaultPort() {
        LatticeRequest r = LatticeRequest.builder()
                .url("svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws")
                .build();
        assertEquals(URI.create("https://svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws/"), r.uri());
        assertEquals("GET", r.method());
        assertEquals(-1, r.port());
        assertTrue(r.retryable());
    }

    @Test
    void url_withPortPathAndQuery_isKept_andPathAndParametersAppend() {
        LatticeRequest r = LatticeRequest.builder()
                .method("post")
                .url("https://localhost:8443/base?x=1&y=a%20b")
                .path("orders")
                .queryParameter("x", "2")
                .build();
        assertEquals("POST", r.method());
        assertEquals("/base/orders", r.encodedPath());
        assertEquals(Map.of("x", List.of("1", "2"), "y", List.of("a b")), r.queryParameters());
        assertEquals(URI.create("https://localhost:8443/base/orders?x=1&x=2&y=a%20b"), r.uri());
        assertFalse(r.retryable());
        assertTrue(r.toBuilder().retryable(true).build().retryable());
    }

    @Test
    void builder_rejectsBadInput_namingTheValue() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LatticeRequest.builder().url("ftp://host"))
                .getMessage()
                .contains("ftp://host"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LatticeRequest.builder().method("BREW"))
                .getMessage()
                .contains("BREW"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LatticeRequest.builder().header("Host", "evil"))
                .getMessage()
                .contains("Host"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LatticeRequest.builder().path("/a?b=c"))
                .getMessage()
                .contains("a '?' at index 2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> LatticeRequest.builder()
                        .jsonBody(new Object(), new com.fasterxml.jackson.databind.ObjectMapper()));
        assertThrows(NullPointerException.class, () -> LatticeRequest.builder().jsonBody(null));
    }

    @Test
    void withoutUrl_theRequestIsRelative_forAClientThatKnowsItsService() {
        LatticeRequest r = LatticeRequest.builder()
                .method("PUT")
                .path("orders/a%20b")
                .queryParameter("token", "t0")
                .queryParameter("q", "a+b")
                .build();
        assertFalse(r.hasUrl());
        assertNull(r.scheme());
        assertNull(r.host());
        assertEquals(-1, r.port());
        assertEquals("/orders/a%20b", r.encodedPath());
        assertEquals(URI.create("/orders/a%20b?token=t0&q=a%2Bb"), r.uri());
        assertEquals("/orders/a%20b", r.redactedUrl(), "never the query");
        assertEquals("PUT /orders/a%20b", r.toString());
        assertFalse(LatticeRequest.builder().build().hasUrl());
        assertEquals("/", LatticeRequest.builder().build().encodedPath());

        LatticeRequest aimed = r.toBuilder().url("https://svc.example:8443").build();
        assertTrue(aimed.hasUrl());
        assertEquals(
                URI.create("https://svc.example:8443/orders/a%20b?token=t0&q=a%2Bb"),
                aimed.uri(),
                "the url comes first, then the request's own path and query");
    }

    @Test
    void url_query_isParsedByTheSharedRule_plusStaysAPlus() {
        LatticeRequest r = LatticeRequest.builder()
                .url("https://h/p?q=a+b&s=a%20b&flag&=v&&e=")
                .build();
        assertEquals(
                Map.of(
                        "q",
                        List.of("a+b"),
                        "s",
                        List.of("a b"),
                        "flag",
                        List.of(""),
                        "",
                        List.of("v"),
                        "e",
                        List.of("")),
                r.queryParameters());
    }

    @Test
    void bodies_fromStringAndJson_setContentTypeUnlessGiven_andAreCopied() {
        byte[] bytes = {1, 2, 3};
        LatticeRequest raw = LatticeRequest.builder().url("h").body(bytes).build();
        bytes[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, raw.body().orElseThrow());

        LatticeRequest text = LatticeRequest.builder().url("h").body("héllo").build();
        assertEquals(
                "text/plain; charset=UTF-8", text.firstHeader("content-type").orElseThrow());
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), text.body().orElseThrow());

        LatticeRequest json = LatticeRequest.builder()
                .url("h")
                .header("Content-Type", "application/vnd.x+json")
                .jsonBody(Map.of("a", 1))
                .build();
        assertEquals("application/vnd.x+json", json.firstHeader("CONTENT-TYPE").orElseThrow());
        // Serialized by the client's mapper when sent, not now.
        assertEquals(Map.of("a", 1), json.jsonValue().orElseThrow());
        assertTrue(json.body().isEmpty());
        LatticeRequest eager = LatticeRequest.builder()
                .url("h")
                .jsonBody(Map.of("a", 1), new com.fasterxml.jackson.databind.ObjectMapper())
                .build();
        assertEquals("application/json", eager.firstHeader("content-type").orElseThrow());
        assertEquals("{\"a\":1}", new String(eager.body().orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(eager.jsonValue().isEmpty());
    }

    @Test
    void response_headersAreMultiValuedAndCaseInsensitive_andBodiesMap() {
        LatticeResponse r = LatticeResponse.builder()
                .statusCode(200)
                .header("Set-Cookie", "a=1")
                .header("set-cookie", "b=2")
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .body("{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1))
                .build();
        assertEquals(List.of("a=1", "b=2"), r.headerValues("SET-COOKIE"));
        assertEquals(
                "application/json; charset=ISO-8859-1",
                r.firstHeader("content-type").orElseThrow());
        assertEquals("{\"name\":\"café\"}", r.bodyAsString());
        assertTrue(r.isSuccessful());
        assertEquals(r, r.ensureSuccess());
        Map<String, String> mapped = LatticeResponse.builder()
                .statusCode(200)
                .body("{\"k\":\"v\"}".getBytes())
                .build()
                .bodyAs(new TypeReference<Map<String, String>>() {});
        assertEquals(Map.of("k", "v"), mapped);
        record Thing(String k) {}
        assertEquals(
                new Thing("v"),
                LatticeResponse.builder()
                        .statusCode(200)
                        .body("{\"k\":\"v\"}".getBytes())
                        .build()
                        .bodyAs(Thing.class));
    }

    @Test
    void toException_readsErrorTypeHeader_thenTextPrefix_elseNoCode() {
        LatticeServiceException header = LatticeResponse.builder()
                .statusCode(400)
                .header("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/")
                .body("{\"message\":\"bad\"}".getBytes())
                .build()
                .toException();
        assertEquals("ValidationException", header.errorCode());
        assertEquals("bad", header.errorMessage(), "a JSON body's message, the header's code");

        LatticeServiceException invalidSig = LatticeResponse.builder()
                .statusCode(403)
                .body("InvalidSignatureException: Signature expired".getBytes())
                .build()
                .toException();
        assertEquals("InvalidSignatureException", invalidSig.errorCode());
        assertEquals("Signature expired", invalidSig.errorMessage());

        LatticeServiceException plain = LatticeResponse.builder()
                .statusCode(502)
                .body("Bad gateway: upstream http://x failed".getBytes())
                .build()
                .toException();
        assertEquals("", plain.errorCode());
        assertEquals("HTTP 502", plain.getMessage(), "the message never quotes the body");
        assertEquals("Bad gateway: upstream http://x failed", plain.errorMessage());
    }

    @Test
    void urlPathAndQuery_giveTheSameRequest_inAnyOrder() {
        LatticeRequest urlFirst = LatticeRequest.builder()
                .url("https://svc.example:8443/base?a=1")
                .path("/orders")
                .queryParameter("b", "2")
                .build();
        LatticeRequest urlLast = LatticeRequest.builder()
                .queryParameter("b", "2")
                .path("/orders")
                .url("https://svc.example:8443/base?a=1")
                .build();
        assertEquals(URI.create("https://svc.example:8443/base/orders?a=1&b=2"), urlFirst.uri());
        assertEquals(urlFirst.uri(), urlLast.uri());
        // A second url replaces the first, not what path() and queryParameter() added
        assertEquals(
                URI.create("https://other.example/orders?b=2"),
                LatticeRequest.builder()
                        .url("https://svc.example:8443/base?a=1")
                        .path("/orders")
                        .queryParameter("b", "2")
                        .url("https://other.example")
                        .build()
                        .uri());
    }

    @Test
    void pathSegments_encodeRawText_andPathRefusesItWithoutQuotingIt() {
        LatticeRequest request = LatticeRequest.builder()
                .url("https://svc.example")
                .pathSegments("documents", "my report+v2/final.pdf")
                .build();
        assertEquals("/documents/my%20report%2Bv2%2Ffinal.pdf", request.encodedPath());
        assertEquals("my%20report.pdf", LatticeRequest.encodePathSegment("my report.pdf"));
        IllegalArgumentException space = assertThrows(
                IllegalArgumentException.class, () -> LatticeRequest.builder().path("/my report.pdf"));
        assertTrue(space.getMessage().contains("a ' '") || space.getMessage().contains("U+0020"), space::getMessage);
        assertThrows(
                IllegalArgumentException.class, () -> LatticeRequest.builder().path("/bad%zz"));
        assertThrows(
                IllegalArgumentException.class, () -> LatticeRequest.builder().path("/caf\u00e9"));
    }

    @Test
    void putHeader_replaces_appendHeader_adds_removeHeader_removes() {
        LatticeRequest request = LatticeRequest.builder()
                .url("https://svc.example")
                .appendHeader("x-tag", "a")
                .appendHeader("X-Tag", "b")
                .putHeader("x-one", "1")
                .putHeader("X-One", "2")
                .putHeader("x-gone", "g")
                .removeHeader("X-GONE")
                .build();
        assertEquals(List.of("a", "b"), request.headers().get("x-tag"));
        assertEquals(List.of("2"), request.headers().get("x-one"));
        assertFalse(request.headers().containsKey("x-gone"));
        assertThrows(
                IllegalArgumentException.class, () -> LatticeRequest.builder().putHeader("Expect", "100-continue"));
    }

    @Test
    void aStatusOutside100To599_isNotAResponse() {
        assertThrows(
                IllegalArgumentException.class,
                () -> LatticeResponse.builder().statusCode(999).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LatticeResponse.builder().statusCode(99).build());
    }
}
