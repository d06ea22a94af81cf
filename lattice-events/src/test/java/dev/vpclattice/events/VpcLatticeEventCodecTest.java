package dev.vpclattice.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.contract.EventVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VpcLatticeEventCodecTest {
    private static final Path EVENTS = Path.of(System.getProperty("basedir", "."))
            .resolve("../sample-events")
            .normalize();
    private final VpcLatticeEventCodec codec = new VpcLatticeEventCodec();

    private static byte[] event(String name) throws IOException {
        return Files.readAllBytes(EVENTS.resolve(name));
    }

    /** Every file directly in sample-events/ except its README: a new fixture is tested without being named here. */
    static Stream<String> sampleEvents() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files
                    .filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("README.md"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void sampleEvents_listsTheFolder() throws IOException {
        List<String> names = sampleEvents().toList();

        assertTrue(
                names.containsAll(List.of(
                        "get-with-query.json",
                        "iam-identity-all-fields.json",
                        "post-base64-binary.json",
                        "post-json.json",
                        "version1.json",
                        "version1-post-base64.json",
                        "powertools-python-v2-shape.json")),
                names.toString());
        assertFalse(
                names.contains("input.json"), "sample-events/client-function/ holds the client's input, not events");
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void readRequest_everySampleEvent_isReadAsItsVersionAndRefusedAsTheOther(String name) throws IOException {
        byte[] raw = event(name);

        if (name.startsWith("version1")) {
            VpcLatticeRequest either = codec.read(raw);
            assertEquals(EventVersion.V1, either.eventVersion());
            assertV1Event(raw, assertInstanceOf(VpcLatticeV1Request.class, either), name);
            InvalidLatticeEventException e =
                    assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(raw));
            assertEquals(EventVersion.VERSION_1_MESSAGE, e.getMessage());
            assertV1Event(raw, codec.readV1Request(raw), name);
            return;
        }
        VpcLatticeRequest either = codec.read(new ByteArrayInputStream(raw));
        assertEquals(EventVersion.V2, either.eventVersion());
        assertEquals(
                codec.readRequest(raw).getHeaders(),
                assertInstanceOf(VpcLatticeV2Request.class, either).getHeaders());
        InvalidLatticeEventException refused =
                assertThrows(InvalidLatticeEventException.class, () -> codec.readV1Request(raw));
        assertEquals(EventVersion.VERSION_2_MESSAGE, refused.getMessage());
        assertTrue(refused.getMessage().contains("LambdaEventStructureVersion to V1"), refused.getMessage());
        VpcLatticeV2Request r = codec.readRequest(raw);
        JsonNode tree = new ObjectMapper().readTree(raw);
        assertEquals("2.0", r.getVersion());
        assertEquals(tree.get("method").asText(), r.getMethod());
        assertEquals(tree.get("path").asText(), r.getPath());
        assertEquals(tree.get("headers").size(), r.getHeaders().size());
        tree.get("headers").properties().forEach(h -> {
            List<String> expected = new ArrayList<>();
            if (h.getValue().isArray()) {
                h.getValue().forEach(v -> expected.add(v.asText()));
            } else {
                expected.add(h.getValue().asText());
            }
            assertEquals(expected, r.getHeaders().get(h.getKey()), name + " header " + h.getKey());
        });
        assertTrue(r.getRequestContext().getIdentity().getSourceVpcArn().startsWith("arn:aws:ec2:"), name);
        VpcLatticeV2Request again = codec.readRequest(codec.writeRequest(r));
        assertEquals(r.getHeaders(), again.getHeaders(), name);
        assertEquals(r.getBody(), again.getBody(), name);
    }

    /** Every field of a V1 sample, against the JSON read by a plain mapper; then a round trip through the codec. */
    private void assertV1Event(byte[] raw, VpcLatticeV1Request r, String name) throws IOException {
        JsonNode tree = new ObjectMapper().readTree(raw);
        assertEquals(tree.get("raw_path").asText(), r.getRaw_path(), name);
        assertEquals(tree.get("method").asText(), r.getMethod(), name);
        assertEquals(tree.get("is_base64_encoded").asBoolean(), r.getIs_base64_encoded(), name);
        assertEquals(tree.get("body").asText(), r.getBody(), name);
        assertEquals(tree.get("headers").size(), r.getHeaders().size(), name);
        tree.get("headers")
                .properties()
                .forEach(h -> assertEquals(
                        h.getValue().asText(), r.getHeaders().get(h.getKey()), name + " header " + h.getKey()));
        assertEquals(
                tree.get("query_string_parameters").size(),
                r.getQuery_string_parameters().size(),
                name);
        JsonNode written = new ObjectMapper().readTree(codec.writeV1Request(r));
        assertEquals(tree, written, name + " round trip with Lattice's snake_case names");
    }

    @Test
    void readV1Request_version1_bindsTheJoinedHeaderTheLastQueryValueAndThePath() throws IOException {
        VpcLatticeV1Request r = codec.readV1Request(new ByteArrayInputStream(event("version1.json")));

        assertEquals("/orders?id=1&tag=a&tag=b", r.getRaw_path());
        assertEquals("/orders", r.pathWithoutQuery());
        assertEquals(Optional.of("application/json, text/plain"), r.header("Accept"));
        assertEquals(Optional.empty(), r.header("x-missing"));
        assertEquals(Map.of("id", "1", "tag", "b"), r.queryParameters());
        assertEquals(0, r.decodeBody().length);
        assertFalse(r.toString().contains("fake"), r.toString());
        assertFalse(r.toString().contains("tag=a"), r.toString());
    }

    @Test
    void readV1Request_base64Body_decodesTheBytes() throws IOException {
        VpcLatticeV1Request r = codec.readV1Request(event("version1-post-base64.json"));

        assertTrue(r.getIs_base64_encoded());
        assertEquals((byte) 0x1f, r.decodeBody()[0], "gzip's magic number");
        assertEquals(Map.of(), r.queryParameters());
    }

    @Test
    void v1Request_noQueryMap_parsesTheRawPathKeepingTheLastValue() {
        VpcLatticeV1Request r = new VpcLatticeV1Request();
        r.setRaw_path("/search?q=a+b&q=c%20d&flag");

        assertEquals(Map.of("q", "c d", "flag", ""), r.queryParameters());
        assertEquals(Map.of(), new VpcLatticeV1Request().queryParameters());
        assertNull(new VpcLatticeV1Request().pathWithoutQuery());
    }

    @Test
    void v1Builder_joinsRepeatedHeadersAndKeepsTheLastQueryValueAsLatticeDoes() throws IOException {
        VpcLatticeV1Request r = VpcLatticeV1Request.builder()
                .method("POST")
                .rawPath("/orders?id=1&id=2&tag=x")
                .header("accept", "application/json")
                .headers(Map.of("x-multi", List.of("one", "two", "three")))
                .header("accept", "text/plain")
                .body(new byte[] {1, 2, 3})
                .build();

        assertEquals("application/json, text/plain", r.getHeaders().get("accept"));
        assertEquals("one, two, three", r.getHeaders().get("x-multi"));
        assertEquals(Map.of("id", "2", "tag", "x"), r.getQuery_string_parameters());
        assertTrue(r.getIs_base64_encoded());
        assertArrayEquals(new byte[] {1, 2, 3}, r.decodeBody());

        VpcLatticeV1Request explicit = VpcLatticeV1Request.builder()
                .method("GET")
                .rawPath("/p?ignored=1")
                .queryParameter("k", "first")
                .queryParameter("k", "last")
                .body("text")
                .build();
        assertEquals(Map.of("k", "last"), explicit.getQuery_string_parameters());
        assertFalse(explicit.getIs_base64_encoded());

        JsonNode json = new ObjectMapper().readTree(codec.writeV1Request(r));
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(
                List.of("raw_path", "method", "headers", "query_string_parameters", "body", "is_base64_encoded"),
                names,
                "exactly the six fields of the User Guide's V1 example, in its order");
    }

    @Test
    void versionRule_versionFieldDecidesBeforeFieldNames() throws IOException {
        // Shaped like Powertools for Python's V2 test event: "version": "2.0", flat headers, snake_case query.
        byte[] mixed = event("powertools-python-v2-shape.json");

        VpcLatticeV2Request r = codec.readRequest(mixed);

        assertEquals(EventVersion.V2, codec.read(mixed).eventVersion());
        assertEquals(List.of("A-100"), r.queryParameters().get("sku"), "its snake_case query is read too");
        assertEquals(Optional.of("application/json"), r.firstHeader("accept"));
    }

    @Test
    void read_unsupportedVersion_isRefusedWithoutQuotingIt() {
        for (String version : List.of("\"9.9-secret\"", "2.0", "{\"secret\":1}")) {
            InvalidLatticeEventException e = assertThrows(
                    InvalidLatticeEventException.class,
                    () -> codec.read(
                            ("{\"version\":" + version + ",\"raw_path\":\"/\"}").getBytes(StandardCharsets.UTF_8)),
                    version);

            assertEquals(EventVersion.UNSUPPORTED_MESSAGE, e.getMessage());
        }
    }

    @Test
    void read_aFieldOfTheWrongShape_namesTheVersionItWasReadAs() {
        InvalidLatticeEventException v1 = assertThrows(
                InvalidLatticeEventException.class,
                () -> codec.read("{\"raw_path\":\"/\",\"headers\":[1]}".getBytes(StandardCharsets.UTF_8)));
        InvalidLatticeEventException v2 = assertThrows(
                InvalidLatticeEventException.class,
                () -> codec.read("{\"version\":\"2.0\",\"headers\":[1]}".getBytes(StandardCharsets.UTF_8)));

        assertTrue(v1.getMessage().startsWith("The event does not have the V1 shape"), v1.getMessage());
        assertTrue(v2.getMessage().startsWith("The event does not have the V2 shape"), v2.getMessage());
    }

    /**
     * The Lambda runtime's serializer calls setters in the order of the JSON fields. A V2 bean given a raw_path is
     * judged when it is first read, on every field bound, so the order of raw_path and version does not matter.
     */
    @Test
    void v2Bean_rawPathBound_isJudgedOnFirstReadWhateverTheFieldOrder() {
        VpcLatticeV2Request rawPathFirst = new VpcLatticeV2Request();
        rawPathFirst.setRaw_path("/orders");
        rawPathFirst.setVersion("2.0");
        rawPathFirst.setPath("/orders");
        VpcLatticeV2Request versionFirst = new VpcLatticeV2Request();
        versionFirst.setVersion("2.0");
        versionFirst.setRaw_path("/orders");
        versionFirst.setPath("/orders");
        VpcLatticeV2Request version1 = new VpcLatticeV2Request();
        version1.setRaw_path("/orders?token=secret");
        version1.setMethod("GET");

        assertEquals("/orders", rawPathFirst.getPath());
        assertEquals("/orders", versionFirst.getPath());
        assertEquals(EventVersion.V2, rawPathFirst.eventVersion());
        for (Executable read : List.<Executable>of(
                version1::getMethod,
                version1::getPath,
                version1::getHeaders,
                version1::getRequestContext,
                version1::pathWithoutQuery,
                version1::queryParameters,
                version1::decodeBody,
                version1::eventVersion)) {
            InvalidLatticeEventException e = assertThrows(InvalidLatticeEventException.class, read);
            assertEquals(EventVersion.VERSION_1_MESSAGE, e.getMessage());
        }
        assertFalse(version1.toString().contains("secret"), "toString still works, and quotes no raw_path");
    }

    @Test
    void readRequest_getWithQuery_bindsEveryField() throws IOException {
        VpcLatticeV2Request r = codec.readRequest(event("get-with-query.json"));

        assertEquals("2.0", r.getVersion());
        assertEquals("GET", r.getMethod());
        assertEquals("/orders?id=1&sort=desc&tag=a&tag=b", r.getPath());
        assertEquals(List.of("a", "b"), r.getQueryStringParameters().get("tag"));
        assertEquals(List.of("10.0.1.25"), r.getHeaders().get("x-forwarded-for"));
        assertFalse(r.getIsBase64Encoded());
        assertEquals("us-east-1", r.getRequestContext().getRegion());
        assertEquals(
                "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0",
                r.getRequestContext().getServiceArn());
        assertEquals("AWS_IAM", r.getRequestContext().getIdentity().getType());
        assertEquals("client-function", r.getRequestContext().getIdentity().getSessionName());
    }

    @Test
    void readRequest_iamIdentity_bindsAllIdentityFieldsAndIgnoresUnknownOnes() throws IOException {
        VpcLatticeV2Request.Identity id = codec.readRequest(event("iam-identity-all-fields.json"))
                .getRequestContext()
                .getIdentity();

        assertEquals("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0", id.getSourceVpcArn());
        assertEquals("o-fakeorg0004", id.getPrincipalOrgID());
        assertEquals("8f3c2a10-0000-4000-8000-000000000004", id.getSessionName());
        assertEquals("Platform Engineering", id.getX509IssuerOu());
        assertEquals("client.internal.example.com", id.getX509SanDns());
        assertEquals("client.example.com", id.getX509SanNameCn());
        assertEquals("spiffe://example.com/ns/default/sa/client", id.getX509SanUri());
        assertEquals("client.example.com", id.getX509SubjectCn());
    }

    @Test
    void readRequest_powertoolsPythonSpelling_readsEveryIdentityField() throws IOException {
        VpcLatticeV2Request.Identity id = codec.readRequest(event("iam-identity-powertools-python-spelling.json"))
                .getRequestContext()
                .getIdentity();

        assertEquals("o-fakeorg0005", id.getPrincipalOrgID());
        assertEquals("python.example.com", id.getX509SubjectCn());
        assertEquals("Python Issuing OU", id.getX509IssuerOu());
        assertEquals("python.internal.example.com", id.getX509SanDns());
        assertEquals("spiffe://example.com/ns/python/sa/client", id.getX509SanUri());
        assertEquals("python-name.example.com", id.getX509SanNameCn());
    }

    @Test
    void readRequest_powertoolsTypeScriptSpelling_readsEveryIdentityField() throws IOException {
        VpcLatticeV2Request.Identity id = codec.readRequest(event("iam-identity-powertools-typescript-spelling.json"))
                .getRequestContext()
                .getIdentity();

        assertEquals("o-fakeorg0006", id.getPrincipalOrgID());
        assertEquals("typescript.example.com", id.getX509SubjectCn());
        assertEquals("TypeScript Issuing OU", id.getX509IssuerOu());
        assertEquals("typescript.internal.example.com", id.getX509SanDns());
        assertEquals("spiffe://example.com/ns/typescript/sa/client", id.getX509SanUri());
        assertEquals("typescript-name.example.com", id.getX509SanNameCn());
    }

    @Test
    void readRequest_bothSpellings_theGettersOwnSpellingWins() {
        VpcLatticeV2Request.Identity id = codec.readRequest(("{\"version\":\"2.0\",\"requestContext\":{\"identity\":{"
                                + "\"X509SubjectCn\":\"powertools\",\"x509SubjectCn\":\"rust\","
                                + "\"principalOrgId\":\"o-ts\",\"principalOrgID\":\"o-rust\"}}}")
                        .getBytes(StandardCharsets.UTF_8))
                .getRequestContext()
                .getIdentity();

        assertEquals("rust", id.getX509SubjectCn());
        assertEquals("o-rust", id.getPrincipalOrgID());
    }

    @Test
    void writeRequest_otherSpellings_areWrittenInTheGettersSpellingOnce() throws IOException {
        VpcLatticeV2Request r = codec.readRequest(event("iam-identity-powertools-typescript-spelling.json"));

        JsonNode identity = new ObjectMapper().readTree(codec.writeRequest(r)).at("/requestContext/identity");

        assertEquals("typescript.example.com", identity.get("x509SubjectCn").asText());
        assertEquals("o-fakeorg0006", identity.get("principalOrgID").asText());
        assertEquals(
                "spiffe://example.com/ns/typescript/sa/client",
                identity.get("x509SanUri").asText());
        for (String other : List.of("X509SubjectCn", "X509IssuerOu", "X509SanNameCn", "X509SanUri", "principalOrgId")) {
            assertFalse(identity.has(other), other + " written: " + identity);
        }
    }

    @Test
    void readRequest_overAJacksonStreamLimit_namesTheLimitNotJustInvalidJson() {
        String digits = "1".repeat(1_001);
        byte[] event = ("{\"version\":\"2.0\",\"n\":" + digits + "}").getBytes(StandardCharsets.UTF_8);

        InvalidLatticeEventException e =
                assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(event));

        assertTrue(e.getMessage().startsWith("The event is over a JSON parser limit"), e.getMessage());
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void readRequest_plainStringWhereListExpected_becomesSingletonList() throws IOException {
        VpcLatticeV2Request r = codec.readRequest(event("iam-identity-all-fields.json"));

        assertEquals(Map.of("verbose", List.of("true")), r.getQueryStringParameters());

        VpcLatticeV2Request h = codec.readRequest(
                "{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/\",\"headers\":{\"accept\":\"text/plain\"}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of("text/plain"), h.firstHeader("Accept"));
    }

    @Test
    void decodeBody_base64Event_returnsTheBinaryBytes() throws IOException {
        byte[] raw = event("post-base64-binary.json");
        VpcLatticeV2Request r = codec.readRequest(new ByteArrayInputStream(raw));
        String b64 = new ObjectMapper().readTree(raw).get("body").asText();

        assertTrue(r.getIsBase64Encoded());
        assertArrayEquals(Base64.getDecoder().decode(b64), r.decodeBody());
        assertEquals((byte) 0x89, r.decodeBody()[0]);
    }

    @Test
    void decodeBody_textAndAbsentBodies() throws IOException {
        assertEquals(
                "{\"item\":\"widget\",\"quantity\":3,\"price\":19.99}",
                new String(codec.readRequest(event("post-json.json")).decodeBody(), StandardCharsets.UTF_8));
        assertEquals(0, codec.readRequest(event("iam-identity-all-fields.json")).decodeBody().length);
    }

    @Test
    void decodeBody_invalidBase64_namesTheProblem() {
        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setBody("not*base64");
        r.setIsBase64Encoded(true);

        InvalidLatticeEventException e = assertThrows(InvalidLatticeEventException.class, r::decodeBody);
        assertTrue(e.getMessage().contains("base64"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalArgumentException);
    }

    @Test
    void firstHeader_ignoresCase() throws IOException {
        VpcLatticeV2Request r = codec.readRequest(event("post-json.json"));

        assertEquals(Optional.of("application/json"), r.firstHeader("Content-Type"));
        assertEquals(Optional.empty(), r.firstHeader("x-missing"));
        assertEquals(Optional.empty(), new VpcLatticeV2Request().firstHeader("accept"));
    }

    @Test
    void queryParameters_preferTheEventsMapElseParseThePath() throws IOException {
        assertEquals(
                List.of("a", "b"),
                codec.readRequest(event("get-with-query.json"))
                        .queryParameters()
                        .get("tag"));

        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setPath("/search?q=hello%20world&q=x&flag&empty=");
        assertEquals(
                Map.of("q", List.of("hello world", "x"), "flag", List.of(""), "empty", List.of("")),
                r.queryParameters());
        r.setPath("/plain");
        assertEquals(Map.of(), r.queryParameters());
    }

    @Test
    void queryParameters_plusInThePath_isAPlusSignAsInLatticeLocalAndTheLibrary() {
        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setPath("/search?q=a+b&q=a%20b&bad=%zz");

        assertEquals(Map.of("q", List.of("a+b", "a b"), "bad", List.of("%zz")), r.queryParameters());
    }

    @Test
    void pathWithoutQuery_givesTheBarePathWhicheverFormArrives() throws IOException {
        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setPath("/orders?id=1&token=secret");
        assertEquals("/orders", r.pathWithoutQuery());
        assertFalse(r.toString().contains("secret"), r.toString());

        r.setPath("/orders");
        assertEquals("/orders", r.pathWithoutQuery());
        assertNull(new VpcLatticeV2Request().pathWithoutQuery());
        assertEquals(
                "/whoami",
                codec.readRequest(event("iam-identity-all-fields.json")).pathWithoutQuery());
    }

    @Test
    void requestTime_isTimeEpochInMicroseconds() throws IOException {
        VpcLatticeV2Request r = codec.readRequest(event("get-with-query.json"));

        assertEquals(Optional.of(Instant.parse("2026-11-27T12:00:00.123456Z")), r.requestTime());
        assertEquals(Optional.empty(), new VpcLatticeV2Request().requestTime());
    }

    @Test
    void requestTime_notANumber_namesTheValue() {
        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setRequestContext(new VpcLatticeV2Request.RequestContext());
        r.getRequestContext().setTimeEpoch("yesterday");

        InvalidLatticeEventException e = assertThrows(InvalidLatticeEventException.class, r::requestTime);
        assertTrue(e.getMessage().contains("'yesterday'"), e.getMessage());
    }

    @Test
    void readRequest_version1Event_saysToSetLambdaEventStructureVersionV2() throws IOException {
        byte[] v1 = event("version1.json");

        InvalidLatticeEventException e = assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(v1));
        assertTrue(e.getMessage().contains("LambdaEventStructureVersion to V2"), e.getMessage());
    }

    @Test
    void readRequest_anyVersion1FieldWithoutAVersion_isRefusedAsVersion1() {
        for (String field : List.of("raw_path", "is_base64_encoded", "query_string_parameters")) {
            byte[] event =
                    ("{\"method\":\"GET\",\"path\":\"/\",\"" + field + "\":{}}").getBytes(StandardCharsets.UTF_8);

            InvalidLatticeEventException e =
                    assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(event), field);
            assertTrue(e.getMessage().contains("LambdaEventStructureVersion to V2"), e.getMessage());
        }
    }

    @Test
    void readRequest_versionStringNotStartingWith2_isRefusedWithoutQuotingIt() {
        byte[] event = "{\"version\":\"3.0\",\"method\":\"GET\",\"path\":\"/\"}".getBytes(StandardCharsets.UTF_8);

        InvalidLatticeEventException e =
                assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(event));
        assertEquals(EventVersion.UNSUPPORTED_MESSAGE, e.getMessage());
    }

    @Test
    void readRequest_versionThatIsNotAString_isRefused() {
        for (String version : List.of("2.0", "2", "true", "{\"v\":\"2.0\"}", "[\"2.0\"]")) {
            byte[] event = ("{\"version\":" + version + ",\"method\":\"GET\",\"path\":\"/\"}")
                    .getBytes(StandardCharsets.UTF_8);

            InvalidLatticeEventException e =
                    assertThrows(InvalidLatticeEventException.class, () -> codec.readRequest(event), version);
            assertEquals(EventVersion.UNSUPPORTED_MESSAGE, e.getMessage());
        }
    }

    @Test
    void readRequest_versionAbsentOrNull_isAccepted() {
        for (String event : List.of(
                "{\"method\":\"GET\",\"path\":\"/\"}", "{\"version\":null,\"method\":\"GET\",\"path\":\"/\"}")) {
            assertEquals(
                    "GET",
                    codec.readRequest(event.getBytes(StandardCharsets.UTF_8)).getMethod(),
                    event);
        }
    }

    @Test
    void readRequest_notAnObjectOrNotJson_isRefused() {
        for (String bad : List.of("[1,2]", "\"text\"", "42", "", "{\"method\":", "not json")) {
            InvalidLatticeEventException e = assertThrows(
                    InvalidLatticeEventException.class,
                    () -> codec.readRequest(bad.getBytes(StandardCharsets.UTF_8)),
                    bad);
            assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        }
    }

    @Test
    void readRequest_wrongFieldShape_isRefusedWithCause() {
        InvalidLatticeEventException e = assertThrows(
                InvalidLatticeEventException.class,
                () -> codec.readRequest("{\"version\":\"2.0\",\"headers\":[1]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("V2 shape"), e.getMessage());
        assertTrue(e.getCause() != null);
    }

    @Test
    void writeRequest_roundTripsEveryModelledField() throws IOException {
        for (String name : List.of("get-with-query.json", "post-json.json", "post-base64-binary.json")) {
            byte[] raw = event(name);
            JsonNode written = new ObjectMapper().readTree(codec.writeRequest(codec.readRequest(raw)));
            JsonNode original = new ObjectMapper().readTree(raw);
            assertEquals(original, written, name);
        }
    }

    @Test
    void writeRequest_helpersAreNotProperties() {
        VpcLatticeV2Request r = new VpcLatticeV2Request();
        r.setMethod("GET");
        String json = new String(codec.writeRequest(r), StandardCharsets.UTF_8);

        assertEquals("{\"method\":\"GET\",\"isBase64Encoded\":false}", json);
    }

    @Test
    void response_builderWritesTheLatticeShape() throws IOException {
        VpcLatticeV2Response resp = VpcLatticeV2Response.builder()
                .statusCode(201)
                .statusDescription("201 Created")
                .header("content-type", "application/json")
                .body("{\"ok\":true}")
                .build();

        JsonNode json = new ObjectMapper().readTree(codec.writeResponse(resp));
        assertEquals(201, json.get("statusCode").asInt());
        assertEquals("201 Created", json.get("statusDescription").asText());
        assertEquals("application/json", json.get("headers").get("content-type").asText());
        assertEquals("{\"ok\":true}", json.get("body").asText());
        assertFalse(json.get("isBase64Encoded").asBoolean());

        VpcLatticeV2Response back = codec.readResponse(codec.writeResponse(resp));
        assertEquals(201, back.getStatusCode());
        assertEquals("{\"ok\":true}", new String(back.decodeBody(), StandardCharsets.UTF_8));
    }

    @Test
    void response_binaryBodyIsBase64AndDefaultsTo200() {
        VpcLatticeV2Response resp = VpcLatticeV2Response.builder()
                .body(new byte[] {1, 2, (byte) 255})
                .build();

        assertEquals(200, resp.getStatusCode());
        assertTrue(resp.getIsBase64Encoded());
        assertArrayEquals(new byte[] {1, 2, (byte) 255}, resp.decodeBody());
        assertNull(resp.getHeaders());
    }

    @Test
    void response_badStatusOrNonObject_isRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> VpcLatticeV2Response.builder().statusCode(42));
        assertTrue(e.getMessage().contains("42"));
        assertThrows(
                InvalidLatticeEventException.class, () -> codec.readResponse("[]".getBytes(StandardCharsets.UTF_8)));
    }
}
