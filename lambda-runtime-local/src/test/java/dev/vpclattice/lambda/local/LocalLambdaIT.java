package dev.vpclattice.lambda.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ProbeHandler} in the real Lambda Java runtime interface client, in a child JVM, through LocalLambda.
 * One warm runtime is shared by the class; the tests that kill it run last.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalLambdaIT {
    private static final String HANDLER = "dev.vpclattice.lambda.local.fixtures.ProbeHandler::handleRequest";

    @TempDir
    static Path functionDir;

    static final Queue<String> log = new ConcurrentLinkedQueue<>();
    static LocalLambda fn;

    @BeforeAll
    static void start() throws IOException {
        copyFixtureClasses(functionDir);
        fn = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .functionName("probe")
                .region("eu-west-1")
                .memorySize(256)
                .timeout(Duration.ofSeconds(3))
                .environment(Map.of("CUSTOM", "from-builder"))
                .logSink(log::add)
                .build();
    }

    @AfterAll
    static void stop() {
        if (fn != null) {
            fn.close();
        }
    }

    /** Lays the compiled fixture out as a SAM artifact: classes at the root of the directory. */
    static void copyFixtureClasses(Path target) throws IOException {
        Path classes = Path.of(System.getProperty("basedir", ".")).resolve("target/test-classes");
        Path pkg = Path.of("dev/vpclattice/lambda/local/fixtures");
        Files.createDirectories(target.resolve(pkg));
        try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(pkg).resolve(f.getFileName()));
            }
        }
    }

    static Map<String, String> parse(String answer) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : answer.split("\n")) {
            int eq = line.indexOf('=');
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    @Test
    @Order(1)
    void invoke_echo_returnsTheFunctionsAnswerAndCapturesItsOutput() {
        LambdaInvocation r = fn.invoke("hello lambda".getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.SUCCESS, r.status(), r.payloadAsString());
        assertEquals("hello lambda", r.payloadAsString());
        String expected = "probe got 12 bytes, request " + r.requestId();
        assertTrue(log.stream().anyMatch(l -> l.contains(expected)), () -> "log: " + log);
    }

    @Test
    @Order(2)
    void invoke_runsInALambdaLikeEnvironmentWithoutTheParentsVariables() {
        Map<String, String> env = parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString());

        assertEquals(functionDir.toAbsolutePath().normalize().toString(), env.get("user.dir"));
        assertEquals(env.get("user.dir"), env.get("LAMBDA_TASK_ROOT"));
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertEquals(":UTC", env.get("TZ"));
        assertEquals("from-builder", env.get("CUSTOM"));
        assertEquals("null", env.get("HOME"), "the parent's environment must not leak into the function");
        assertEquals("null", env.get("AWS_SECRET_ACCESS_KEY"));
        assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:probe", env.get("arn"));
        assertEquals("probe", env.get("name"));
        assertEquals("256", env.get("memory"));
        long remaining = Long.parseLong(env.get("remainingMs"));
        assertTrue(remaining > 0 && remaining <= 3000, "deadline is delivery + timeout, remaining " + remaining);
    }

    @Test
    @Order(3)
    void invoke_twice_reusesTheWarmRuntime() {
        String first = parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString()).get("pid");
        String second = parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString()).get("pid");

        assertEquals(first, second);
        assertEquals(Long.toString(fn.pid()), first);
    }

    @Test
    @Order(4)
    void invoke_handlerThrows_isFunctionErrorWithLambdasErrorJsonAndTheRuntimeStaysWarm() {
        long pid = fn.pid();
        LambdaInvocation r = fn.invoke("throw".getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertTrue(r.payloadAsString().contains("\"errorType\":\"java.lang.IllegalStateException\""),
                r.payloadAsString());
        assertTrue(r.payloadAsString().contains("probe was told to throw"), r.payloadAsString());
        assertEquals(pid, fn.pid());
        assertEquals("after", fn.invoke("after".getBytes(StandardCharsets.UTF_8)).payloadAsString());
    }

    @Test
    @Order(5)
    void invoke_concurrentCallers_areServedOneAtATime() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        Queue<String> answers = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 4; i++) {
            String msg = "caller-" + i;
            Thread caller = new Thread(
                    () -> answers.add(fn.invoke(msg.getBytes(StandardCharsets.UTF_8)).payloadAsString()));
            caller.start();
            threads.add(caller);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of("caller-0", "caller-1", "caller-2", "caller-3"), answers.stream().sorted().toList());
    }

    @Test
    @Order(10)
    void invoke_pastTheTimeout_killsTheRuntimeAndTheNextInvokeStartsAFreshOne() {
        long pid = fn.pid();
        LambdaInvocation r = fn.invoke("sleep:20000".getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.TIMEOUT, r.status());
        assertTrue(r.payloadAsString().contains("Task timed out after 3.00 seconds"), r.payloadAsString());
        assertTrue(r.duration().compareTo(Duration.ofSeconds(15)) < 0, "did not wait for the sleep: " + r);
        assertEquals(-1, fn.pid());
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "old runtime killed");

        LambdaInvocation next = fn.invoke("again".getBytes(StandardCharsets.UTF_8));
        assertEquals(LambdaInvocation.Status.SUCCESS, next.status());
        assertNotEquals(pid, fn.pid());
    }

    @Test
    @Order(11)
    void invoke_runtimeCrashes_isFunctionErrorAndTheNextInvokeRestarts() {
        LambdaInvocation r = fn.invoke("exit".getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertTrue(r.payloadAsString().contains("Runtime.ExitError"), r.payloadAsString());
        assertTrue(r.payloadAsString().contains("exit status 3"), r.payloadAsString());
        assertEquals("back", fn.invoke("back".getBytes(StandardCharsets.UTF_8)).payloadAsString());
    }

    @Test
    @Order(12)
    void invoke_unknownHandlerClass_isFunctionErrorNamingTheClass() {
        try (LocalLambda missing = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.lambda.local.fixtures.NoSuchHandler::handleRequest")
                .logSink(l -> { })
                .build()) {
            LambdaInvocation r = missing.invoke("x".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
            assertTrue(r.payloadAsString().contains("NoSuchHandler"), r.payloadAsString());
        }
    }

    @Test
    @Order(13)
    void invoke_afterClose_isRefused() {
        LocalLambda closed = LocalLambda.builder().functionDirectory(functionDir).handler(HANDLER).build();
        closed.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> closed.invoke(new byte[0]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
