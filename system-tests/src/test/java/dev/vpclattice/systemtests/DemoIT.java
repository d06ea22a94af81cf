package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the project's main job, {@code make demo} (scripts/demo), as a newcomer would, and checks what it prints: the
 * V2 event that the echo service received from the client function through the local Lattice, signed and
 * authorised, with credential headers redacted; and the 403 for an unsigned call.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DemoIT {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void demo_printsTheEchoedEventOfASignedAuthorisedCall() throws Exception {
        Path out = work.resolve("stdout.json");
        Path err = work.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("scripts/demo").toString())
                .directory(ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("DEMO_DIR", work.resolve("demo").toString());
        Process demo = builder.start();
        if (!demo.waitFor(8, TimeUnit.MINUTES)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not finish in 8 minutes:\n" + Files.readString(err));
        }
        String log = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, demo.exitValue(), log);

        JsonNode event = JSON.readTree(out.toFile());
        assertEquals("2.0", event.get("version").asText());
        assertEquals("POST", event.get("method").asText());
        assertEquals("/", event.get("path").asText());
        assertEquals(
                JSON.readTree(
                        ROOT.resolve("sample-events/client-function/input.json").toFile()),
                JSON.readTree(event.get("body").asText()),
                "the client's input event is the body the service got");
        assertEquals(
                "application/json",
                event.get("headers").get("content-type").get(0).asText());
        assertEquals(
                "UNSIGNED-PAYLOAD",
                event.get("headers").get("x-amz-content-sha256").get(0).asText());
        assertEquals(
                "[REDACTED]", event.get("headers").get("authorization").get(0).asText());
        JsonNode identity = event.get("requestContext").get("identity");
        assertEquals("AWS_IAM", identity.get("type").asText());
        assertEquals(
                "arn:aws:iam::123456789012:user/local-user",
                identity.get("principal").asText());

        assertTrue(log.contains("AccessDeniedException: User: anonymous is not authorized"), log);
        assertTrue(log.contains("(HTTP 403)"), log);
        assertTrue(log.contains("\"message\":\"echoed\""), "the service function's log line is shown:\n" + log);
        assertFalse(log.contains("Signature="), "a signature reached the demo's output");
        assertFalse(log.contains("AWS_SECRET_ACCESS_KEY="), "a secret reached the demo's output");
        assertFalse(log.contains("\u001b"), "escape codes in a log that is not a terminal");
    }

    @Test
    void event_thatIsNotJson_isRefusedNamingTheFileAndTheError_beforeAnythingIsBuilt() throws Exception {
        Path event = work.resolve("not-json.json");
        Files.writeString(event, "{\"a\": 1,,}");

        Result result = demo(event.toString());

        assertEquals(1, result.status(), result.stderr());
        assertTrue(result.stderr().contains("demo: EVENT " + event + " is not JSON: "), result.stderr());
        assertTrue(result.stderr().contains("at line 1, column 9"), result.stderr());
        assertTrue(result.stderr().contains("InvalidRequestContentException"), result.stderr());
        assertFalse(result.stderr().contains("== 1/5"), "the demo started building:\n" + result.stderr());
        assertFalse(Files.exists(work.resolve("demo")), "the demo wrote its output directory");
    }

    @Test
    void event_thatDoesNotExist_isRefusedSayingSo() throws Exception {
        Result result = demo("sample-events/no-such-event.json");

        assertEquals(1, result.status(), result.stderr());
        assertEquals(
                "demo: EVENT " + ROOT.resolve("sample-events/no-such-event.json") + ": no such file.",
                result.stderr().strip());
    }

    /** The echo refuses an answer over 6 MB, so the client's call gets 413 and the function fails. */
    @Test
    void clientFunctionFailure_saysWhatFailedAndWhereTheLogsAre() throws Exception {
        Path event = work.resolve("quotes.json");
        Files.writeString(event, "{\"pad\": \"" + "\\\"".repeat(1_500_000) + "\"}");

        Result result = demo(event.toString());

        assertEquals(1, result.status(), result.stderr());
        int failed = result.stderr().indexOf("demo: the client function failed: ");
        assertTrue(failed >= 0, result.stderr());
        String message = result.stderr().substring(failed);
        assertTrue(message.contains("LatticeServiceException"), message);
        assertTrue(message.contains(work.resolve("demo/client.log").toString()), message);
        assertTrue(message.contains(work.resolve("demo/serve.log").toString()), message);
    }

    record Result(int status, String stdout, String stderr) {}

    private Result demo(String event) throws Exception {
        Path out = work.resolve("out-" + System.nanoTime() + ".txt");
        Path err = work.resolve("err-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("scripts/demo").toString(), event)
                .directory(ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("DEMO_DIR", work.resolve("demo").toString());
        Process demo = builder.start();
        if (!demo.waitFor(8, TimeUnit.MINUTES)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not finish in 8 minutes:\n" + Files.readString(err));
        }
        return new Result(demo.exitValue(), Files.readString(out), Files.readString(err));
    }
}
