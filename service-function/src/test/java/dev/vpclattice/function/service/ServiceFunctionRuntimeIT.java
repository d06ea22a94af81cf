package dev.vpclattice.function.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.lambda.local.SamMakefileBuild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the service function exactly as Lambda does: {@code make build-ServiceFunction} lays out the artifact as
 * {@code sam build} would, and the real Lambda Java runtime interface client runs it in a child JVM whose working
 * directory is that artifact. One warm runtime serves the whole class.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceFunctionRuntimeIT {
    static final Path ROOT = Path.of(System.getProperty("basedir", "."))
            .resolve("..")
            .toAbsolutePath()
            .normalize();
    static final String CUSTOM_SECRET = "FAKE-CUSTOM-SECRET-IT-0006";

    @TempDir
    static Path artifacts;

    static final Queue<String> output = new ConcurrentLinkedQueue<>();
    static LocalLambda function;
    static final VpcLatticeEventCodec codec = new VpcLatticeEventCodec();

    @BeforeAll
    static void buildAndStart() throws Exception {
        SamMakefileBuild.build(ROOT, "ServiceFunction", artifacts, Duration.ofMinutes(8));
        assertTrue(
                Files.isRegularFile(artifacts.resolve("lib/service-function.jar")),
                "the Makefile must put the shaded jar under $ARTIFACTS_DIR/lib");

        function = LocalLambda.builder()
                .functionDirectory(artifacts)
                .handler("dev.vpclattice.function.service.EchoHandler")
                .functionName("ServiceFunction")
                .timeout(Duration.ofSeconds(20))
                .environment(Map.of(EchoHandler.REDACTED_HEADERS_VARIABLE, "X-Custom-Secret"))
                .logSink(output::add)
                .build();
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            function.close();
        }
    }

    static Stream<String> allEvents() throws IOException {
        try (Stream<Path> files = Files.list(EchoHandlerTest.EVENTS)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    static VpcLatticeV2Response invoke(byte[] event) {
        LambdaInvocation r = function.invoke(event);
        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        return codec.readResponse(r.payload());
    }

    @Test
    @Order(1)
    void coldStart_firstInvocationIsAnswered() throws IOException {
        byte[] event = Files.readAllBytes(EchoHandlerTest.EVENTS.resolve("get-with-query.json"));
        long start = System.nanoTime();

        LambdaInvocation r = function.invoke(event);

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        // Reported, not asserted: timing on a shared 2-core machine is not a correctness property.
        System.out.println("[measure] child JVM launch to first echo response: " + millis + " ms");
    }

    @ParameterizedTest
    @MethodSource("allEvents")
    @Order(2)
    void sampleEvent_isEchoedOrRefusedAsTheRealRuntimeRunsIt(String name) throws IOException {
        byte[] event = Files.readAllBytes(EchoHandlerTest.EVENTS.resolve(name));

        VpcLatticeV2Response r = invoke(event);

        assertEquals("application/json", r.getHeaders().get("content-type"));
        assertFalse(r.getIsBase64Encoded());
        assertEquals(200, r.getStatusCode(), r.getBody());
        EchoHandlerTest.assertEchoOf(
                EchoHandlerTest.MAPPER.readTree(event), EchoHandlerTest.MAPPER.readTree(r.getBody()), "");
    }

    @Test
    @Order(3)
    void version1Event_isEchoedAsV1InTheRuntimeAndLoggedAsV1() throws IOException {
        byte[] event = Files.readAllBytes(EchoHandlerTest.EVENTS.resolve("version1-post-base64.json"));

        VpcLatticeV2Response r = invoke(event);

        assertEquals(200, r.getStatusCode(), r.getBody());
        JsonNode echo = EchoHandlerTest.MAPPER.readTree(r.getBody());
        assertEquals("/upload", echo.get("raw_path").asText());
        assertTrue(echo.get("is_base64_encoded").asBoolean());
        assertEquals(EchoHandlerTest.MARKER, echo.at("/headers/cookie").asText());
        assertTrue(
                function.awaitLogLine(
                                l -> l.contains("\"eventVersion\":\"V1\"") && l.contains("\"path\":\"/upload\""),
                                Duration.ofSeconds(30))
                        .isPresent(),
                () -> String.join("\n", output));
    }

    @Test
    @Order(3)
    void headerNamedInRedactedHeaders_isRedactedInTheRuntime() throws IOException {
        byte[] event = ("{\"version\":\"2.0\",\"method\":\"GET\",\"path\":\"/\",\"headers\":{\"x-custom-secret\":[\""
                        + CUSTOM_SECRET + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);

        VpcLatticeV2Response r = invoke(event);

        JsonNode echoed = EchoHandlerTest.MAPPER.readTree(r.getBody());
        assertEquals(
                EchoHandlerTest.MARKER, echoed.at("/headers/x-custom-secret/0").asText());
    }

    @ParameterizedTest
    @MethodSource("dev.vpclattice.function.service.EchoHandlerTest#headerProbes")
    @Order(3)
    void headersOfAnyShapeOrNameSpelling_neverEchoASecretInTheRuntime(
            String headers, int status, String expectedHeaders) throws IOException {
        LambdaInvocation r = function.invoke(EchoHandlerTest.probeEvent(headers));

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        EchoHandlerTest.assertProbeAnswer(r.payload(), status, expectedHeaders);
    }

    @Test
    @Order(3)
    void eventWhoseEchoExceedsSixMegabytes_is413InTheRuntime() throws IOException {
        byte[] event = EchoHandlerTest.paddedEvent(1_600_000, "\\\"");

        LambdaInvocation r = function.invoke(event);

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        assertTrue(r.payload().length < 1024, "the runtime returns the small refusal, not the oversized echo");
        VpcLatticeV2Response response = codec.readResponse(r.payload());
        assertEquals(413, response.getStatusCode());
        assertTrue(EchoHandlerTest.MAPPER
                        .readTree(response.getBody())
                        .get("responseBytes")
                        .asInt()
                > EchoHandlerTest.SIX_MB);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vpclattice.function.service.EchoHandlerTest#overStreamLimits")
    @Order(3)
    void validJsonOverAJacksonStreamLimit_is400NamingTheLimitInTheRuntime(String what, String event, String limit)
            throws IOException {
        LambdaInvocation r = function.invoke(event.getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        EchoHandlerTest.assertNamesTheLimit(r.payload(), limit);
    }

    @Test
    @Order(1)
    void shadedJar_shipsJacksonCoreAndTheRulesButNoDatabindAndStaysSmall() throws IOException {
        Path jar = artifacts.resolve("lib/service-function.jar");
        List<String> entries;
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(e -> e.getName()).toList();
        }
        long bytes = Files.size(jar);
        System.out.println("[measure] service-function.jar: " + bytes + " bytes, " + entries.size() + " entries");

        assertTrue(entries.contains("com/fasterxml/jackson/core/JsonFactory.class"), "jackson-core is shipped");
        assertTrue(entries.contains("dev/vpclattice/contract/EventVersion.class"), "the shared rules are shipped");
        assertFalse(
                entries.stream().anyMatch(n -> n.startsWith("com/fasterxml/jackson/databind/")),
                "jackson-databind must not be shipped");
        assertFalse(
                entries.stream().anyMatch(n -> n.startsWith("com/fasterxml/jackson/annotation/")),
                "jackson-annotations must not be shipped");
        assertFalse(
                entries.contains("dev/vpclattice/events/VpcLatticeEventCodec.class"),
                "the model's codec needs databind and is not shipped");
        assertTrue(bytes < 1_000_000, "the artifact stays well under 1 MB (0.6 MB when written): " + bytes);
    }

    @Test
    @Order(5)
    void snapStartInit_primesWithoutLoggingAndTheFirstEventIsEchoedAsUsual() throws IOException {
        Queue<String> snapOutput = new ConcurrentLinkedQueue<>();
        byte[] event = Files.readAllBytes(EchoHandlerTest.EVENTS.resolve("get-with-query.json"));
        LambdaInvocation r;
        try (LocalLambda snap = LocalLambda.builder()
                .functionDirectory(artifacts)
                .handler("dev.vpclattice.function.service.EchoHandler")
                .functionName("ServiceFunctionSnapStart")
                .snapStart(true)
                .logSink(snapOutput::add)
                .build()) {
            r = snap.invoke(event);
        }

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        VpcLatticeV2Response response = codec.readResponse(r.payload());
        assertEquals(200, response.getStatusCode(), response.getBody());
        EchoHandlerTest.assertEchoOf(
                EchoHandlerTest.MAPPER.readTree(event), EchoHandlerTest.MAPPER.readTree(response.getBody()), "");
        List<String> requestLines =
                snapOutput.stream().filter(l -> l.contains("\"requestBytes\"")).toList();
        assertEquals(1, requestLines.size(), "priming logs nothing, the event one line: " + snapOutput);
        // Reported, not asserted: Lambda's split for a SnapStart-style init.
        System.out.println("[measure] snap-start init " + r.initDuration().orElse(null) + ", first invocation "
                + r.invocationDuration().orElse(null));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[1,2]",
                "\"just a string\"",
                "not json",
                "{\"version\":\"2.0\",\"path\":\"/\"}",
                "{\"version\":\"2.0\",\"method\":\"GET\"}"
            })
    @Order(4)
    void badInput_is400NotAFunctionError(String input) {
        VpcLatticeV2Response r = invoke(input.getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.getStatusCode(), r.getBody());
        assertTrue(r.getBody().contains("InvalidEvent"), r.getBody());
    }

    @Test
    @Order(5)
    void runtimeOutput_logsOneLinePerRequestAndNoSecretValue() throws IOException {
        List<String> secrets = new ArrayList<>(List.of(CUSTOM_SECRET, EchoHandlerTest.PROBE_SECRET));
        for (String name : allEvents().toList()) {
            secrets.addAll(EchoHandlerTest.secretsIn(Files.readAllBytes(EchoHandlerTest.EVENTS.resolve(name))));
        }
        assertTrue(secrets.size() > 5, "the sample events must carry fake secrets for this test to mean anything");
        List<String> lines = List.copyOf(output);
        String all = String.join("\n", lines);

        for (String secret : secrets) {
            assertFalse(all.contains(secret), "the runtime's output holds a secret header value");
        }
        long requestLines =
                lines.stream().filter(l -> l.contains("\"requestBytes\"")).count();
        long expected = 1
                + allEvents().count()
                + 1
                + EchoHandlerTest.headerProbes().count()
                + 1
                + EchoHandlerTest.overStreamLimits().count()
                + 1
                + 5;
        assertEquals(expected, requestLines, () -> "one log line per request:\n" + all);
        assertTrue(all.contains("\"path\":\"/orders\""), all);
        assertFalse(all.contains("sort=desc"), "query strings stay out of the log");
    }
}
