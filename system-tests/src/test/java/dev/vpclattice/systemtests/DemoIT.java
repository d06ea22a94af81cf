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
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
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
        assertEquals(JSON.readTree(ROOT.resolve("events/client-function/input.json").toFile()),
                JSON.readTree(event.get("body").asText()), "the client's input event is the body the service got");
        assertEquals("application/json", event.get("headers").get("content-type").get(0).asText());
        assertEquals("UNSIGNED-PAYLOAD", event.get("headers").get("x-amz-content-sha256").get(0).asText());
        assertEquals("[REDACTED]", event.get("headers").get("authorization").get(0).asText());
        JsonNode identity = event.get("requestContext").get("identity");
        assertEquals("AWS_IAM", identity.get("type").asText());
        assertEquals("arn:aws:iam::123456789012:user/local-user", identity.get("principal").asText());

        assertTrue(log.contains("AccessDeniedException: User: anonymous is not authorized"), log);
        assertTrue(log.contains("(HTTP 403)"), log);
        assertTrue(log.contains("\"message\":\"echoed\""), "the service function's log line is shown:\n" + log);
        assertFalse(log.contains("Signature="), "a signature reached the demo's output");
        assertFalse(log.contains("AWS_SECRET_ACCESS_KEY="), "a secret reached the demo's output");
    }
}
