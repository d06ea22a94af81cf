package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.lambda.local.SamMakefileBuild;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * This repository's echo function, built as {@code sam build} builds it and run in the real Lambda Java runtime
 * client, behind a local Lattice that sends V1 events (the target group's default {@code LambdaEventStructureVersion})
 * and behind one that sends V2: through the library ({@code LocalLattice.builder().eventVersion(...)}) and the
 * packaged command ({@code serve --event-version V1}). The echo answers the event it received, so the caller sees the
 * shape Lattice built.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EchoFunctionEventVersionIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "lattice-local.jar").toAbsolutePath();
    private static final String HANDLER = "dev.vpclattice.function.service.EchoHandler";
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path echo;
    static ServeProcess serve;
    static String serveEndpoint;

    @BeforeAll
    static void buildTheEcho() {
        echo = SamMakefileBuild.build(ROOT, "ServiceFunction", dir.resolve("ServiceFunction"), Duration.ofMinutes(8));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serve != null) {
            serve.close();
        }
    }

    private static JsonNode echoed(Curl.Result result) throws IOException {
        assertEquals(200, result.status(), result.body());
        return JSON.readTree(result.body());
    }

    private static Curl.Result call(String endpoint, Path pem, String path) throws Exception {
        List<String> args = new ArrayList<>(Curl.sign(SCOPE, "AKIDECHO", "echo-secret"));
        args.addAll(List.of("-H", "X-Note: from the caller", "-H", "Content-Type: application/json"));
        args.addAll(List.of("--data-binary", "{\"item\":\"book\"}"));
        return Curl.run(pem, endpoint + path, args.toArray(String[]::new));
    }

    private static void assertV1Echo(JsonNode event) {
        assertEquals("/orders?id=1&id=2", event.path("raw_path").asText(), event.toString());
        assertEquals("POST", event.path("method").asText());
        assertEquals("2", event.path("query_string_parameters").path("id").asText(), event.toString());
        assertEquals("from the caller", event.path("headers").path("x-note").asText(), event.toString());
        assertEquals("{\"item\":\"book\"}", event.path("body").asText());
        assertFalse(event.path("is_base64_encoded").asBoolean());
        assertFalse(event.has("version"), event.toString());
        assertFalse(event.has("requestContext"), event.toString());
    }

    @Test
    void library_v1_theEchoReceivesAndAnswersAV1Event() throws Exception {
        try (LambdaTarget function = LambdaTarget.of(LocalLambda.builder()
                        .functionDirectory(echo)
                        .handler(HANDLER)
                        .timeout(Duration.ofSeconds(60))
                        .build());
                LocalLattice lattice = LocalLattice.builder()
                        .credential("AKIDECHO", "echo-secret", "arn:aws:iam::123456789012:user/echo")
                        .eventVersion(EventVersion.V1)
                        .target(function)
                        .build()) {
            Path pem = dir.resolve("library.pem");
            lattice.certificate().writePem(pem);

            assertV1Echo(echoed(call(lattice.endpoint().toString(), pem, "/orders?id=1&id=2")));
        }
    }

    @Test
    void library_defaultV2_theEchoReceivesAV2Event() throws Exception {
        try (LambdaTarget function = LambdaTarget.of(LocalLambda.builder()
                        .functionDirectory(echo)
                        .handler(HANDLER)
                        .timeout(Duration.ofSeconds(60))
                        .build());
                LocalLattice lattice = LocalLattice.builder()
                        .credential("AKIDECHO", "echo-secret", "arn:aws:iam::123456789012:user/echo")
                        .target(function)
                        .build()) {
            Path pem = dir.resolve("library-v2.pem");
            lattice.certificate().writePem(pem);

            JsonNode event = echoed(call(lattice.endpoint().toString(), pem, "/orders?id=1&id=2"));

            assertEquals("2.0", event.path("version").asText(), event.toString());
            assertEquals(
                    "[\"1\",\"2\"]",
                    event.path("queryStringParameters").path("id").toString());
            assertEquals(
                    "arn:aws:iam::123456789012:user/echo",
                    event.at("/requestContext/identity/principal").asText());
        }
    }

    @Test
    void serve_eventVersionV1_theEchoReceivesAndAnswersAV1Event() throws Exception {
        Path pem = dir.resolve("serve.pem");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                "0",
                "--event-version",
                "V1",
                "--function-dir",
                echo.toString(),
                "--handler",
                HANDLER,
                "--timeout",
                "60",
                "--credential",
                "AKIDECHO:echo-secret",
                "--cert-out",
                pem.toString());
        serve = ServeProcess.start(builder);
        assertTrue(serve.announced.contains("(V1 events)"), serve.announced);

        assertV1Echo(echoed(call(serve.url, pem, "/orders?id=1&id=2")));
    }
}
