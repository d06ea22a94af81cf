package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.lambda.local.LocalLambda;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local Lattice in front of a function running in the real Lambda Java runtime client, called with curl:
 * base64 answers, a function that throws, one that times out, one that answers garbage, one that dies.
 */
@Timeout(180)
class LambdaTargetIT {
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    private static final List<String> FUNCTION_LOG = new CopyOnWriteArrayList<>();
    private static final List<String> DIAGNOSTICS = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    static LocalLambda function;
    static LambdaTarget target;
    static LocalLattice lattice;
    static Path pem;

    @BeforeAll
    static void start() {
        function = LocalLambda.builder()
                .functionDirectory(FunctionDirectory.create(dir.resolve("function")))
                .handler(FunctionDirectory.HANDLER)
                .environment(Map.of("GREETING", "hello-from-env"))
                .timeout(Duration.ofSeconds(3))
                .logSink(FUNCTION_LOG::add)
                .build();
        target = LambdaTarget.of(function, DIAGNOSTICS::add);
        lattice = LocalLattice.builder()
                .credential("AKIDTEST", "test-secret-key", "arn:aws:iam::123456789012:user/tester")
                .target(target)
                .build();
        pem = dir.resolve("lattice.pem");
        lattice.certificate().writePem(pem);
    }

    @AfterAll
    static void stop() {
        lattice.close();
        target.close();
    }

    private static Curl.Result call(String path, String... more) throws Exception {
        List<String> args = new ArrayList<>(Curl.sign(SCOPE, "AKIDTEST", "test-secret-key"));
        args.addAll(List.of("-D", "-"));
        args.addAll(List.of(more));
        return Curl.run(pem, lattice.endpoint() + path, args.toArray(String[]::new));
    }

    /** Splits curl's {@code -D -} output into lower-cased header lines and the body. */
    private static String[] headersAndBody(Curl.Result result) {
        int split = result.body().indexOf("\r\n\r\n");
        return new String[] {
            result.body().substring(0, split).toLowerCase(), result.body().substring(split + 4)
        };
    }

    @Test
    void function_receivesTheLatticeEvent_andItsBase64AnswerIsDecoded() throws Exception {
        Curl.Result result =
                call("/orders?id=7", "-H", "Content-Type: application/json", "--data-binary", "{\"item\":\"book\"}");

        assertEquals(200, result.status(), result.body());
        String[] parts = headersAndBody(result);
        VpcLatticeV2Request event = CODEC.readRequest(parts[1].getBytes(StandardCharsets.UTF_8));
        assertEquals("/orders?id=7", event.getPath());
        assertEquals("{\"item\":\"book\"}", event.getBody());
        assertEquals(
                "arn:aws:iam::123456789012:user/tester",
                event.getRequestContext().getIdentity().getPrincipal());
        assertTrue(parts[0].contains("x-greeting: hello-from-env"), parts[0]);
        assertTrue(parts[0].contains("content-length: " + parts[1].getBytes(StandardCharsets.UTF_8).length), parts[0]);
        assertFalse(parts[0].contains("transfer-encoding"), parts[0]);
        // The runtime's output is pumped by another thread: wait for the line, boundedly.
        for (int i = 0; i < 100 && FUNCTION_LOG.stream().noneMatch(line -> line.contains("RoutingHandler got")); i++) {
            Thread.sleep(50);
        }
        assertTrue(
                FUNCTION_LOG.stream().anyMatch(line -> line.contains("RoutingHandler got")), FUNCTION_LOG.toString());
    }

    @Test
    void warmRuntime_isReusedAcrossRequests() throws Exception {
        String first = pid(call("/one"));
        String second = pid(call("/two"));

        assertEquals(first, second);
    }

    @Test
    void functionThatThrows_gets502_andTheNextRequestStillWorks() throws Exception {
        Curl.Result failed = call("/throw");
        Curl.Result next = call("/after-throw");

        assertEquals(502, failed.status(), failed.body());
        assertEquals(200, next.status(), next.body());
        assertTrue(
                DIAGNOSTICS.stream().anyMatch(line -> line.contains("IllegalStateException")), DIAGNOSTICS.toString());
    }

    @Test
    void functionThatTimesOut_gets504_andARestartedRuntimeAnswersNext() throws Exception {
        String before = pid(call("/before-sleep"));
        Curl.Result timedOut = call("/sleep");
        Curl.Result next = call("/after-sleep");

        assertEquals(504, timedOut.status(), timedOut.body());
        assertEquals(200, next.status(), next.body());
        assertNotEquals(before, pid(next), "the timed-out runtime was replaced");
    }

    @Test
    void functionThatDies_gets502_andIsRestarted() throws Exception {
        Curl.Result died = call("/exit");
        Curl.Result next = call("/after-exit");

        assertEquals(502, died.status(), died.body());
        assertEquals(200, next.status(), next.body());
    }

    @Test
    void responseJsonOver6Mb_gets502_andTheReasonGoesToDiagnostics() throws Exception {
        Curl.Result result = call("/huge");

        assertEquals(502, result.status(), result.body());
        assertTrue(
                DIAGNOSTICS.stream().anyMatch(line -> line.contains("over Lambda's 6291456-byte payload limit")),
                DIAGNOSTICS.toString());
    }

    @Test
    void responseJsonOfExactly6291456Bytes_isDelivered_andOneByteMoreGets502() throws Exception {
        Curl.Result exact = call("/exact-limit");
        Curl.Result over = call("/over-limit");

        assertEquals(200, exact.status(), DIAGNOSTICS.toString());
        String body = headersAndBody(exact)[1];
        assertEquals(6_291_456 - "{\"statusCode\":200,\"body\":\"\"}".length(), body.length());
        assertTrue(body.chars().allMatch(c -> c == 'b'));
        assertEquals(502, over.status(), over.body());
        assertTrue(
                DIAGNOSTICS.stream().anyMatch(line -> line.contains("is 6291457 bytes of JSON")),
                DIAGNOSTICS.toString());
    }

    @Test
    void functionLogOfHugeLines_isKeptWithinItsBounds() throws Exception {
        Curl.Result flooded = call("/log-flood");

        assertEquals(200, flooded.status(), flooded.body());
        // Five 20 MB lines: each is cut as it is read, and the kept log stays within its character bound.
        for (int i = 0; i < 200; i++) {
            if (function.logLines().stream()
                            .filter(line -> line.startsWith("fff"))
                            .count()
                    >= 5) {
                break;
            }
            Thread.sleep(100);
        }
        List<String> kept = function.logLines();
        List<String> cut = kept.stream().filter(line -> line.startsWith("fff")).toList();
        assertEquals(5, cut.size(), "lines kept: " + kept.size());
        for (String line : cut) {
            assertTrue(line.length() < LocalLambda.MAX_LOG_LINE_CHARS + 100, "a line of " + line.length());
            assertTrue(line.endsWith(
                    "...(" + (20 * 1024 * 1024 - LocalLambda.MAX_LOG_LINE_CHARS) + " more characters not kept)"));
        }
        assertTrue(kept.stream().mapToLong(String::length).sum() <= LocalLambda.LOG_CAPACITY_CHARS);
        assertTrue(FUNCTION_LOG.stream().noneMatch(line -> line.length() > LocalLambda.MAX_LOG_LINE_CHARS + 100));
    }

    @Test
    void answerThatIsNotAResponse_gets502() throws Exception {
        Curl.Result result = call("/string");

        assertEquals(502, result.status(), result.body());
    }

    private static String pid(Curl.Result result) {
        assertEquals(200, result.status(), result.body());
        for (String line : headersAndBody(result)[0].split("\r\n")) {
            if (line.startsWith("x-pid:")) {
                return line.substring("x-pid:".length()).trim();
            }
        }
        throw new AssertionError("no x-pid header in " + result.body());
    }
}
