package dev.vpclattice.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the model binds in the Lambda runtime's built-in serializer (relocated Jackson that ignores our
 * annotations), by running a {@code RequestHandler<VpcLatticeV2Request, VpcLatticeV2Response>} in the real Lambda
 * Java runtime interface client. A unit test calling handleRequest directly would prove none of this.
 */
@Timeout(120)
class LambdaRuntimeBindingIT {
    static final Path BASE = Path.of(System.getProperty("basedir", "."));
    static final Path EVENTS = BASE.resolve("../sample-events").normalize();
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path functionDir;

    static LocalLambda function;
    static LocalLambda v1Function;

    @BeforeAll
    static void start() throws IOException {
        // The artifact: this module's classes and the fixture handler at the root, as sam build lays them out.
        copyTree(BASE.resolve("target/classes"), functionDir);
        // lattice-contract, as sam build would ship it: its jar in lib/, or the reactor's classes at the root.
        Path contract = classesOf(dev.vpclattice.contract.QueryStrings.class);
        if (Files.isDirectory(contract)) {
            copyTree(contract, functionDir);
        } else {
            Files.createDirectories(functionDir.resolve("lib"));
            Files.copy(contract, functionDir.resolve("lib").resolve(contract.getFileName()));
        }
        copyTree(
                BASE.resolve("target/test-classes/dev/vpclattice/events/fixtures"),
                functionDir.resolve("dev/vpclattice/events/fixtures"));
        function = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.events.fixtures.PojoHandler::handleRequest")
                .logSink(line -> {})
                .build();
        v1Function = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.events.fixtures.V1PojoHandler::handleRequest")
                .logSink(line -> {})
                .build();
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            function.close();
        }
        if (v1Function != null) {
            v1Function.close();
        }
    }

    /** Where a class was loaded from: a directory of classes or a jar. */
    static Path classesOf(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("module-info.class")) {
                    // On the class path, as Lambda loads the task root, a module descriptor means nothing.
                    Files.copy(f, target);
                }
            }
        }
    }

    static Map<String, String> invoke(String eventFile) throws IOException {
        return invoke(function, eventFile);
    }

    static Map<String, String> invoke(LocalLambda target, String eventFile) throws IOException {
        LambdaInvocation r = target.invoke(Files.readAllBytes(EVENTS.resolve(eventFile)));
        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        JsonNode response = MAPPER.readTree(r.payload());
        // The runtime's serializer, not ours, wrote these names.
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertEquals("text/plain", response.at("/headers/content-type").asText());
        assertTrue(response.has("isBase64Encoded"), "isBase64Encoded must keep its name: " + response);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : response.get("body").asText().split("\n")) {
            int eq = line.indexOf('=');
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }

    @Test
    void getWithQuery_bindsHeadersQueryIdentityAndTime() throws IOException {
        Map<String, String> f = invoke("get-with-query.json");

        assertEquals("GET", f.get("method"));
        assertEquals("/orders?id=1&sort=desc&tag=a&tag=b", f.get("path"));
        assertEquals("/orders", f.get("pathWithoutQuery"));
        assertEquals("10.0.1.25", f.get("forwardedFor"));
        assertEquals("{id=[1], sort=[desc], tag=[a, b]}", f.get("query"));
        assertEquals("arn:aws:sts::123456789012:assumed-role/client-function-role/client-function", f.get("principal"));
        assertEquals("2026-11-27T12:00:00.123456Z", f.get("requestTime"));
    }

    @Test
    void getWithQuery_theResponseKeepsItsStatusDescription() throws IOException {
        LambdaInvocation r = function.invoke(Files.readAllBytes(EVENTS.resolve("get-with-query.json")));

        assertEquals(
                "200 OK", MAPPER.readTree(r.payload()).get("statusDescription").asText());
    }

    @Test
    void version1_bindsSnakeCaseFieldsJoinedHeadersAndTheLastQueryValue() throws IOException {
        Map<String, String> f = invoke(v1Function, "version1.json");

        assertEquals("GET", f.get("method"));
        assertEquals("/orders?id=1&tag=a&tag=b", f.get("rawPath"));
        assertEquals("/orders", f.get("pathWithoutQuery"));
        assertEquals("application/json, text/plain", f.get("accept"));
        assertEquals("10.0.1.25", f.get("forwardedFor"));
        assertEquals("{id=1, tag=b}", f.get("query"));
        assertEquals("false", f.get("base64"));
    }

    @Test
    void version1Base64_bindsIsBase64Encoded() throws IOException {
        Map<String, String> f = invoke(v1Function, "version1-post-base64.json");

        assertEquals("POST", f.get("method"));
        assertEquals("true", f.get("base64"));
        assertEquals("31", f.get("bodyBytes"));
        assertEquals("{}", f.get("query"));
    }

    /**
     * The V2 bean is judged once every field is bound, on the handler's first read, so the invocation's error itself
     * names the target group setting, and so does the function's log (CloudWatch Logs, in Lambda).
     */
    @Test
    void version1EventToAV2Handler_failsAndTheErrorAndLogNameTheTargetGroupSetting() throws IOException {
        LambdaInvocation r = function.invoke(Files.readAllBytes(EVENTS.resolve("version1.json")));

        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status(), r.payloadAsString());
        assertEquals(
                EventVersion.VERSION_1_MESSAGE,
                MAPPER.readTree(r.payload()).path("errorMessage").asText(),
                r.payloadAsString());
        assertFalse(r.payloadAsString().contains("fakesignature"), "no header value is returned");
        assertTrue(
                function.awaitLogLine(l -> l.contains(EventVersion.VERSION_1_MESSAGE), Duration.ofSeconds(30))
                        .isPresent(),
                () -> String.join("\n", function.logLines()));
        assertFalse(String.join("\n", function.logLines()).contains("fakesignature"), "no header value is logged");
    }

    /** The runtime binds fields in the JSON's order: a raw_path before "version": "2.0" must not change the verdict. */
    @Test
    void v2EventWithARawPathBeforeItsVersion_bindsAsV2() throws IOException {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("raw_path", "/ignored");
        ((ObjectNode) MAPPER.readTree(Files.readAllBytes(EVENTS.resolve("get-with-query.json"))))
                .properties()
                .forEach(e -> event.set(e.getKey(), e.getValue()));
        assertEquals("raw_path", event.fieldNames().next(), "the guard field comes first");

        LambdaInvocation r = function.invoke(MAPPER.writeValueAsBytes(event));

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        assertTrue(
                MAPPER.readTree(r.payload()).get("body").asText().contains("\npathWithoutQuery=/orders\n"),
                r.payloadAsString());
    }

    @Test
    void version2EventToAV1Handler_failsAndTheLogNamesTheTargetGroupSetting() throws IOException {
        LambdaInvocation r = v1Function.invoke(Files.readAllBytes(EVENTS.resolve("get-with-query.json")));

        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status(), r.payloadAsString());
        assertTrue(
                v1Function
                        .awaitLogLine(l -> l.contains(EventVersion.VERSION_2_MESSAGE), Duration.ofSeconds(30))
                        .isPresent(),
                () -> String.join("\n", v1Function.logLines()));
        assertFalse(String.join("\n", v1Function.logLines()).contains("fakesignature"), "no header value is logged");
    }

    @Test
    void base64Body_bindsIsBase64Encoded() throws IOException {
        Map<String, String> f = invoke("post-base64-binary.json");

        assertEquals("true", f.get("base64"));
        assertEquals("35", f.get("bodyBytes"));
    }

    @Test
    void postJson_bindsTheTextBody() throws IOException {
        Map<String, String> f = invoke("post-json.json");

        assertEquals("false", f.get("base64"));
        assertEquals("44", f.get("bodyBytes"));
    }

    @Test
    void allIdentityFields_bindWithAnUnknownFieldAndAPlainStringQueryValue() throws IOException {
        Map<String, String> f = invoke("iam-identity-all-fields.json");

        assertIdentity(
                f,
                "o-fakeorg0004",
                "client.example.com",
                "Platform Engineering",
                "client.internal.example.com",
                "client.example.com",
                "spiffe://example.com/ns/default/sa/client");
        assertEquals("{verbose=[true]}", f.get("query"));
        assertEquals("0", f.get("bodyBytes"));
    }

    @Test
    void powertoolsPythonSpelling_everyIdentityFieldBindsInTheRuntimesSerializer() throws IOException {
        Map<String, String> f = invoke("iam-identity-powertools-python-spelling.json");

        assertIdentity(
                f,
                "o-fakeorg0005",
                "python.example.com",
                "Python Issuing OU",
                "python.internal.example.com",
                "python-name.example.com",
                "spiffe://example.com/ns/python/sa/client");
    }

    @Test
    void powertoolsTypeScriptSpelling_everyIdentityFieldBindsInTheRuntimesSerializer() throws IOException {
        Map<String, String> f = invoke("iam-identity-powertools-typescript-spelling.json");

        assertIdentity(
                f,
                "o-fakeorg0006",
                "typescript.example.com",
                "TypeScript Issuing OU",
                "typescript.internal.example.com",
                "typescript-name.example.com",
                "spiffe://example.com/ns/typescript/sa/client");
        assertEquals("{}", f.get("query"), "no queryStringParameters and no query in the path");
    }

    static void assertIdentity(
            Map<String, String> f,
            String orgId,
            String subjectCn,
            String issuerOu,
            String sanDns,
            String sanNameCn,
            String sanUri) {
        assertEquals(orgId, f.get("principalOrgID"));
        assertEquals(subjectCn, f.get("x509SubjectCn"));
        assertEquals(issuerOu, f.get("x509IssuerOu"));
        assertEquals(sanDns, f.get("x509SanDns"));
        assertEquals(sanNameCn, f.get("x509SanNameCn"));
        assertEquals(sanUri, f.get("x509SanUri"));
    }
}
