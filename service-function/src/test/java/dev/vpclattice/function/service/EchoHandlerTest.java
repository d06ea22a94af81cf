package dev.vpclattice.function.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EchoHandlerTest {
    static final Path EVENTS = Path.of(System.getProperty("basedir", "."))
            .resolve("../sample-events")
            .normalize();
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final String MARKER = "[REDACTED]";

    private final List<String> log = new ArrayList<>();
    private final EchoHandler handler = new EchoHandler(EchoHandler.redactedHeaders(null), log::add);

    /** Every sample event, V1 (the files named version1*) and V2 alike: the echo answers both. */
    static Stream<String> sampleEvents() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** What every header probe hides; it must never come back. */
    static final String PROBE_SECRET = "FAKE-PROBE-SECRET-0007";

    /**
     * Events whose {@code headers} have shapes or names that once let a secret through, with the status the echo
     * must answer and, for a 200, the echoed {@code headers} written out by hand.
     */
    static Stream<Arguments> headerProbes() {
        String s = PROBE_SECRET;
        return Stream.of(
                Arguments.of("[{\"authorization\":\"" + s + "\"}]", 400, null),
                Arguments.of("[\"authorization\",\"" + s + "\"]", 400, null),
                Arguments.of("\"authorization: " + s + "\"", 400, null),
                Arguments.of("42", 400, null),
                Arguments.of("true", 400, null),
                Arguments.of(
                        "{\"authorization\":{\"token\":\"" + s + "\"}}", 200, "{\"authorization\":\"[REDACTED]\"}"),
                Arguments.of(
                        "{\"authorization\":[{\"token\":\"" + s + "\"},[\"" + s + "\"]]}",
                        200,
                        "{\"authorization\":[\"[REDACTED]\",\"[REDACTED]\"]}"),
                Arguments.of(
                        "{\"cookie\":\"" + s + "\",\"accept\":\"*/*\"}",
                        200,
                        "{\"cookie\":\"[REDACTED]\",\"accept\":\"*/*\"}"),
                Arguments.of("{\"authorization \":[\"" + s + "\"]}", 200, "{\"authorization \":[\"[REDACTED]\"]}"),
                Arguments.of(
                        "{\" Authorization\\t\":[\"" + s + "\"]}", 200, "{\" Authorization\\t\":[\"[REDACTED]\"]}"),
                Arguments.of(
                        "{\"X-AMZ-Security-Token\":[\"" + s + "\",\"" + s + "\"]}",
                        200,
                        "{\"X-AMZ-Security-Token\":[\"[REDACTED]\",\"[REDACTED]\"]}"),
                Arguments.of("null", 200, "null"));
    }

    static byte[] probeEvent(String headersJson) {
        return ("{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/\",\"headers\":" + headersJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Checks an answer to a {@link #headerProbes()} event; shared with the runtime test. */
    static void assertProbeAnswer(byte[] rawResponse, int status, String expectedHeaders) throws IOException {
        String raw = new String(rawResponse, StandardCharsets.UTF_8);
        assertFalse(raw.contains(PROBE_SECRET), "the secret came back: " + raw);
        VpcLatticeV2Response r = new VpcLatticeEventCodec().readResponse(rawResponse);
        assertEquals(status, r.getStatusCode(), r.getBody());
        JsonNode body = MAPPER.readTree(r.getBody());
        if (status == 400) {
            assertEquals(
                    "headers must be an object of arrays or strings",
                    body.get("message").asText());
        } else {
            assertEquals(MAPPER.readTree(expectedHeaders), body.get("headers"));
        }
    }

    @ParameterizedTest
    @MethodSource("headerProbes")
    void handleRequest_headersOfAnyShapeOrNameSpelling_neverEchoASecret(
            String headers, int status, String expectedHeaders) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(probeEvent(headers)), out, null);

        assertProbeAnswer(out.toByteArray(), status, expectedHeaders);
        assertFalse(log.get(0).contains(PROBE_SECRET));
    }

    /** Lambda's and Lattice's response limit, written out here rather than taken from the code under test. */
    static final int SIX_MB = 6 * 1024 * 1024;

    static byte[] paddedEvent(int bodyChars, String unit) {
        return ("{\"version\":\"2.0\",\"method\":\"POST\",\"path\":\"/big\",\"body\":\"" + unit.repeat(bodyChars)
                        + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    byte[] callRaw(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toByteArray();
    }

    @Test
    void handleRequest_echoOfExactlySixMegabytes_isSentButOneByteMoreIs413() throws IOException {
        // Each 'a' of the body adds exactly one byte to the echo, so the padding that lands on the limit is known.
        int overhead = callRaw(paddedEvent(0, "a")).length;
        int fits = SIX_MB - overhead;

        byte[] atLimit = callRaw(paddedEvent(fits, "a"));
        assertEquals(SIX_MB, atLimit.length);
        assertEquals(200, new VpcLatticeEventCodec().readResponse(atLimit).getStatusCode());

        VpcLatticeV2Response r = call(paddedEvent(fits + 1, "a"));
        assertEquals(413, r.getStatusCode());
        assertEquals("application/json", r.getHeaders().get("content-type"));
        JsonNode body = MAPPER.readTree(r.getBody());
        assertEquals("ResponseTooLarge", body.get("error").asText());
        assertEquals(SIX_MB, body.get("limitBytes").asInt());
        assertEquals(SIX_MB + 1, body.get("responseBytes").asInt());
        assertTrue(body.get("message").asText().contains(String.valueOf(SIX_MB)), r.getBody());
        assertTrue(body.get("message").asText().contains(String.valueOf(SIX_MB + 1)), r.getBody());
        JsonNode line = MAPPER.readTree(log.get(2));
        assertEquals(413, line.get("status").asInt());
        assertEquals("WARN", line.get("level").asText());
    }

    @Test
    void handleRequest_eventUnderTheLimitWhoseEscapedEchoIsOver_is413NotAResponseLatticeDrops() throws IOException {
        // 3.2 MB of escaped quotes: a legal request, but escaping it again inside body doubles it.
        byte[] event = paddedEvent(1_600_000, "\\\"");
        assertTrue(event.length < SIX_MB);

        byte[] raw = callRaw(event);

        assertTrue(raw.length < 1024, "the refusal is small, not the oversized echo");
        VpcLatticeV2Response r = new VpcLatticeEventCodec().readResponse(raw);
        assertEquals(413, r.getStatusCode());
        assertTrue(MAPPER.readTree(r.getBody()).get("responseBytes").asInt() > SIX_MB);
    }

    VpcLatticeV2Response call(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return new VpcLatticeEventCodec().readResponse(out.toByteArray());
    }

    /**
     * Whether a sample event's header value is one of its fake credentials. The fixtures mark every credential with
     * the word "fake" (sample-events/README.md), so this test finds the secrets from the data, not from the handler's list
     * of header names.
     */
    static boolean isFakeSecret(JsonNode headerValue) {
        return headerValue.toString().toLowerCase(Locale.ROOT).contains("fake");
    }

    /** Values of the fake credentials in a sample event's headers: what must never come out. */
    static List<String> secretsIn(byte[] event) throws IOException {
        List<String> secrets = new ArrayList<>();
        MAPPER.readTree(event).path("headers").forEach(value -> {
            if (isFakeSecret(value)) {
                if (value.isArray()) {
                    value.forEach(v -> secrets.add(v.asText()));
                } else {
                    secrets.add(value.asText());
                }
            }
        });
        return secrets;
    }

    /**
     * Walks the input and its echo side by side: a header whose value is a fake credential must come back as the
     * marker (one per element of an array, else one string); every other node must equal the input's.
     */
    static void assertEchoOf(JsonNode input, JsonNode echo, String where) {
        if (where.startsWith("/headers/") && where.indexOf('/', "/headers/".length()) < 0 && isFakeSecret(input)) {
            if (input.isArray()) {
                assertTrue(echo.isArray(), where + " must stay an array: " + echo);
                assertEquals(input.size(), echo.size(), where);
                echo.forEach(v -> assertEquals(TextNode.valueOf(MARKER), v, where));
            } else {
                assertEquals(TextNode.valueOf(MARKER), echo, where);
            }
            return;
        }
        assertEquals(input.getNodeType(), echo.getNodeType(), where);
        if (input.isObject()) {
            List<String> names = new ArrayList<>();
            input.fieldNames().forEachRemaining(names::add);
            List<String> echoedNames = new ArrayList<>();
            echo.fieldNames().forEachRemaining(echoedNames::add);
            assertEquals(names, echoedNames, where);
            for (String name : names) {
                assertEchoOf(input.get(name), echo.get(name), where + "/" + name);
            }
        } else if (input.isArray()) {
            assertEquals(input.size(), echo.size(), where);
            for (int i = 0; i < input.size(); i++) {
                assertEchoOf(input.get(i), echo.get(i), where + "/" + i);
            }
        } else {
            assertEquals(input, echo, where);
        }
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void handleRequest_sampleEventOfEitherVersion_echoesItWithSecretHeadersRedacted(String name) throws IOException {
        byte[] event = Files.readAllBytes(EVENTS.resolve(name));

        VpcLatticeV2Response r = call(event);

        assertEquals(200, r.getStatusCode());
        assertEquals("200 OK", r.getStatusDescription());
        assertEquals(Map.of("content-type", "application/json"), r.getHeaders());
        assertFalse(r.getIsBase64Encoded());
        assertEchoOf(MAPPER.readTree(event), MAPPER.readTree(r.getBody()), "");
        for (String secret : secretsIn(event)) {
            assertFalse(r.getBody().contains(secret), name + " leaked a secret into the echo");
            assertFalse(String.join("\n", log).contains(secret), name + " leaked a secret into the log");
        }
        assertEquals(
                name.startsWith("version1") ? "V1" : "V2",
                MAPPER.readTree(log.get(0)).get("eventVersion").asText(),
                name);
    }

    @Test
    void handleRequest_headerEdgeCasesEvent_matchesTheHandWrittenEcho() throws IOException {
        // Written out by hand: mixed-case names, a two-value cookie, plain-string values redacted or kept.
        JsonNode expected = MAPPER.readTree(Files.readAllBytes(Path.of(System.getProperty("basedir", "."))
                .resolve("src/test/resources/expected-echo/" + "iam-identity-all-fields.json")));

        VpcLatticeV2Response r = call(Files.readAllBytes(EVENTS.resolve("iam-identity-all-fields.json")));

        assertEquals(200, r.getStatusCode());
        assertEquals(expected, MAPPER.readTree(r.getBody()));
    }

    @Test
    void handleRequest_sampleEventsCarrySecrets_soTheRedactionTestsCanFail() throws IOException {
        int total = 0;
        for (String name : sampleEvents().toList()) {
            total += secretsIn(Files.readAllBytes(EVENTS.resolve(name))).size();
        }
        assertTrue(total >= 5, "the sample events should carry fake credentials, found " + total);
    }

    @Test
    void handleRequest_unknownIdentityFields_survive() throws IOException {
        VpcLatticeV2Response r = call(Files.readAllBytes(EVENTS.resolve("iam-identity-all-fields.json")));

        JsonNode future = MAPPER.readTree(r.getBody()).at("/requestContext/identity/futureIdentityField");
        assertEquals(
                "fields AWS adds later must survive the echo",
                future.get("note").asText());
        assertTrue(r.getBody().contains("1.000000000000000000001"), "numbers are copied exactly");
    }

    @Test
    void handleRequest_logsOneStructuredLineWithoutTheQuery() throws IOException {
        byte[] event = Files.readAllBytes(EVENTS.resolve("get-with-query.json"));

        VpcLatticeV2Response r = call(event);

        assertEquals(1, log.size());
        JsonNode line = MAPPER.readTree(log.get(0));
        assertEquals("GET", line.get("method").asText());
        assertEquals("/orders", line.get("path").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(event.length, line.get("requestBytes").asInt());
        assertTrue(line.get("responseBytes").asInt() > r.getBody().length());
        assertFalse(log.get(0).contains("desc"), "query values stay out of the log");
    }

    @Test
    void handleRequest_version1Event_isEchoedWithItsSingleStringSecretsRedactedAndLogsTheBarePath() throws IOException {
        byte[] event = Files.readAllBytes(EVENTS.resolve("version1.json"));

        VpcLatticeV2Response r = call(event);

        assertEquals(200, r.getStatusCode(), r.getBody());
        JsonNode echo = MAPPER.readTree(r.getBody());
        assertEquals(MARKER, echo.at("/headers/authorization").asText(), "a V1 header is one string, redacted whole");
        assertEquals("application/json, text/plain", echo.at("/headers/accept").asText());
        assertEquals("/orders?id=1&tag=a&tag=b", echo.get("raw_path").asText());
        assertEquals("b", echo.at("/query_string_parameters/tag").asText());
        JsonNode line = MAPPER.readTree(log.get(0));
        assertEquals("V1", line.get("eventVersion").asText());
        assertEquals("/orders", line.get("path").asText(), "the raw_path without its query");
        assertEquals("INFO", line.get("level").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", "", "{\"method\":\"GET\",", "{} {}", "not json"})
    void handleRequest_notOneJsonObject_is400(String input) throws IOException {
        VpcLatticeV2Response r = call(input.getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.getStatusCode(), input);
        assertTrue(MAPPER.readTree(r.getBody()).get("message").asText().contains("JSON"), r.getBody());
        assertEquals(400, MAPPER.readTree(log.get(0)).get("status").asInt());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"version\":\"2.0\",\"path\":\"/\"}",
                "{\"version\":\"2.0\",\"method\":\"GET\"}",
                "{\"version\":\"2.0\",\"method\":1,\"path\":\"/\"}",
                "{\"version\":\"2.0\",\"method\":\"GET\",\"path\":null}"
            })
    void handleRequest_missingMethodOrPath_is400(String input) throws IOException {
        VpcLatticeV2Response r = call(input.getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.getStatusCode(), input);
        assertTrue(r.getBody().contains("method and path"), r.getBody());
    }

    @Test
    void handleRequest_invalidJsonWithASecret_doesNotQuoteIt() throws IOException {
        String secret = "FAKE-TOKEN-IN-BROKEN-JSON";
        VpcLatticeV2Response r = call(
                ("{\"headers\":{\"authorization\":[\"" + secret + "\"]} garbage").getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.getStatusCode());
        assertFalse(r.getBody().contains(secret));
        assertFalse(log.get(0).contains(secret));
    }

    @Test
    void redactedHeaders_variableAddsCaseInsensitivelyAndKeepsTheDefaults() throws IOException {
        Set<String> names = EchoHandler.redactedHeaders(" X-Custom-Secret , ,x-other");
        assertTrue(names.containsAll(EchoHandler.DEFAULT_REDACTED_HEADERS));
        assertTrue(names.containsAll(Set.of("x-custom-secret", "x-other")));

        EchoHandler custom = new EchoHandler(names, log::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        custom.handleRequest(
                new ByteArrayInputStream(("{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/\","
                                + "\"headers\":{\"X-Custom-Secret\":\"s3cr3t\",\"accept\":[\"a\"]}}")
                        .getBytes(StandardCharsets.UTF_8)),
                out,
                null);
        JsonNode body =
                MAPPER.readTree(MAPPER.readTree(out.toByteArray()).get("body").asText());
        assertEquals(MARKER, body.at("/headers/X-Custom-Secret").asText());
        assertEquals("a", body.at("/headers/accept/0").asText());
    }

    /**
     * The version rule of lattice-contract's EventVersion as the echo applies it, with the verdict for each event
     * written out here (not taken from the rule under test): V2 and V1 are echoed, V1_INCOMPLETE is a V1 event without
     * a raw_path, UNSUPPORTED is refused. Every event also carries "method":"GET" and "path":"/".
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"version\":\"2.0\"                                    | V2",
                "\"version\":null                                       | V2",
                "\"other\":1                                            | V2",
                "\"version\":\"2.1\"                                    | V2",
                "\"version\":\"2.0\",\"raw_path\":\"/\"                   | V2",
                "\"version\":\"2.0\",\"query_string_parameters\":{}      | V2",
                "\"raw_path\":\"/r?a=1\"                                 | V1",
                "\"version\":\"1.0\",\"raw_path\":\"/r\"                  | V1",
                "\"version\":\"1.0\"                                    | V1_INCOMPLETE",
                "\"is_base64_encoded\":false                            | V1_INCOMPLETE",
                "\"query_string_parameters\":{\"id\":\"1\"}               | V1_INCOMPLETE",
                "\"version\":1.0                                        | UNSUPPORTED",
                "\"version\":2.0                                        | UNSUPPORTED",
                "\"version\":2                                          | UNSUPPORTED",
                "\"version\":true                                       | UNSUPPORTED",
                "\"version\":{\"v\":\"2.0\"}                              | UNSUPPORTED",
                "\"version\":\"3.0\",\"raw_path\":\"/\"                   | UNSUPPORTED"
            })
    void handleRequest_versionRule_echoesV1AndV2AndRefusesTheRest(String fields, String verdict) throws IOException {
        byte[] event = ("{" + fields.strip() + ",\"method\":\"GET\",\"path\":\"/\"}").getBytes(StandardCharsets.UTF_8);

        VpcLatticeV2Response r = call(event);

        switch (verdict) {
            case "V2", "V1" -> {
                assertEquals(200, r.getStatusCode(), r.getBody());
                assertEquals(
                        verdict, MAPPER.readTree(log.get(0)).get("eventVersion").asText());
            }
            case "V1_INCOMPLETE" -> {
                assertEquals(400, r.getStatusCode(), r.getBody());
                assertEquals(
                        "A VPC Lattice V1 event needs the string fields method and raw_path",
                        MAPPER.readTree(r.getBody()).get("message").asText());
            }
            default -> {
                // A number is not a version string, even 2.0: Lattice sends the version as a string.
                assertEquals(400, r.getStatusCode(), r.getBody());
                assertEquals(
                        "Unsupported VPC Lattice event version; expected the string \"2.0\" or no version (V1)",
                        MAPPER.readTree(r.getBody()).get("message").asText());
            }
        }
    }

    /** Valid JSON over each of Jackson's default stream limits, with the limit's getter the message must name. */
    static Stream<Arguments> overStreamLimits() {
        return Stream.of(
                Arguments.of("a 1,001-digit number", ("{\"n\":" + "9".repeat(1_001) + "}"), "getMaxNumberLength"),
                Arguments.of(
                        "nesting 1,001 deep",
                        ("{\"a\":" + "[".repeat(1_000) + "]".repeat(1_000) + "}"),
                        "getMaxNestingDepth"),
                Arguments.of("a 3 MB name", ("{\"" + "k".repeat(3_000_000) + "\":1}"), "getMaxNameLength"));
    }

    static void assertNamesTheLimit(byte[] rawResponse, String limit) throws IOException {
        VpcLatticeV2Response r = new VpcLatticeEventCodec().readResponse(rawResponse);
        assertEquals(400, r.getStatusCode(), r.getBody());
        JsonNode body = MAPPER.readTree(r.getBody());
        assertEquals("InvalidEvent", body.get("error").asText());
        String message = body.get("message").asText();
        assertTrue(message.startsWith("The event is over a limit of the JSON parser: "), message);
        assertTrue(message.contains(limit), message);
        assertFalse(message.contains("not valid JSON"), message);
        assertTrue(message.length() < 300, "the message names the limit and does not quote the input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overStreamLimits")
    void handleRequest_validJsonOverAJacksonStreamLimit_is400NamingTheLimit(String what, String event, String limit)
            throws IOException {
        byte[] raw = callRaw(event.getBytes(StandardCharsets.UTF_8));

        assertNamesTheLimit(raw, limit);
        JsonNode line = MAPPER.readTree(log.get(0));
        assertEquals(400, line.get("status").asInt());
        assertTrue(line.get("reason").asText().contains(limit), log.get(0));
    }

    @Test
    void handleRequest_bareOrQueryPath_logsThePathWithoutTheQueryEitherWay() throws IOException {
        call(("{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/a?token=FAKE-QUERY-TOKEN\"}")
                .getBytes(StandardCharsets.UTF_8));
        call(("{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/b\",\"queryStringParameters\":{\"t\":[\"x\"]}}")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals("/a", MAPPER.readTree(log.get(0)).get("path").asText());
        assertEquals("/b", MAPPER.readTree(log.get(1)).get("path").asText());
        assertFalse(String.join("\n", log).contains("FAKE-QUERY-TOKEN"));
    }

    @Test
    void prime_echoesTheSyntheticEventAsARequestWouldAndLogsNothing() throws IOException {
        var outcome = handler.prime();

        assertEquals(200, outcome.status(), "priming must take the path a successful request takes");
        VpcLatticeV2Response r = new VpcLatticeEventCodec().readResponse(outcome.response());
        assertEquals(
                MARKER,
                MAPPER.readTree(r.getBody()).at("/headers/authorization/0").asText());
        assertTrue(log.isEmpty(), "priming prints nothing: " + log);

        call(Files.readAllBytes(EVENTS.resolve("post-json.json")));
        assertEquals(1, log.size());
    }
}
