package dev.vpclattice.lambda.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // The output comes through a pipe, independently of the answer: wait for the line.
        assertTrue(
                fn.awaitLogLine(l -> l.contains(expected), Duration.ofSeconds(30))
                        .isPresent(),
                () -> "log: " + fn.logLines());
        assertTrue(
                log.contains(fn.awaitLogLine(l -> l.contains(expected), Duration.ZERO)
                        .orElseThrow()),
                "the sink gets every line too");
    }

    @Test
    @Order(2)
    void invoke_cold_reportsLambdasInitDurationDurationAndMaxMemoryUsed() {
        // The runtime started in the test above; a fresh instance shows the cold figures.
        try (LocalLambda cold = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .functionName("probe-cold")
                .memorySize(256)
                .logSink(l -> {})
                .build()) {
            LambdaInvocation first = cold.invoke("sleep:300".getBytes(StandardCharsets.UTF_8));
            LambdaInvocation second = cold.invoke("warm".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.SUCCESS, first.status(), first.payloadAsString());
            Duration init = first.initDuration().orElseThrow();
            Duration ran = first.invocationDuration().orElseThrow();
            assertTrue(ran.toMillis() >= 300, "Duration covers the handler's 300 ms sleep: " + ran);
            assertTrue(
                    init.plus(ran).compareTo(first.duration()) <= 0,
                    "init and invocation lie within launch to response: " + first);
            assertTrue(first.maxMemoryUsedBytes().orElseThrow() > 1024 * 1024, first::toString);
            assertTrue(second.initDuration().isEmpty(), "a warm invocation has no init");
            assertTrue(second.invocationDuration().isPresent());
            String report = cold.awaitLogLine(
                            l -> l.startsWith("REPORT RequestId: " + first.requestId()), Duration.ofSeconds(5))
                    .orElseThrow();
            assertTrue(
                    report.contains("\tInit Duration: ")
                            && report.contains("\tMemory Size: 256 MB")
                            && report.contains("\tMax Memory Used: "),
                    report);
            assertFalse(cold.awaitLogLine(
                            l -> l.startsWith("REPORT RequestId: " + second.requestId()), Duration.ofSeconds(5))
                    .orElseThrow()
                    .contains("Init Duration"));
        }
    }

    @Test
    @Order(2)
    void invoke_reportsTheRuntimesCpuTimeForInitTheInvocationAndTheProcess() {
        try (LocalLambda cold = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .functionName("probe-cpu")
                .memorySize(256)
                .logSink(l -> {})
                .build()) {
            // GIVEN a handler that busies its thread until that thread has used 300 ms of CPU
            LambdaInvocation first = cold.invoke("spin:300".getBytes(StandardCharsets.UTF_8));
            LambdaInvocation second = cold.invoke("warm".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.SUCCESS, first.status(), first.payloadAsString());
            Duration initCpu = first.initCpuTime().orElseThrow();
            Duration cpu = first.cpuTime().orElseThrow();
            Duration processCpu = first.processCpuTime().orElseThrow();
            // Counters, not clocks: however loaded the machine, the invocation used at least its thread's 300 ms.
            assertTrue(cpu.toMillis() >= 300, "the invocation's CPU time covers the spin: " + cpu);
            assertTrue(initCpu.toMillis() > 0, "starting a JVM takes CPU: " + initCpu);
            // The process counter moves in 10 ms steps, the per-thread one in nanoseconds.
            assertTrue(
                    processCpu.plusMillis(20).compareTo(initCpu.plus(cpu)) >= 0,
                    "init and invocation lie within the process's CPU time: " + initCpu + " + " + cpu + " vs "
                            + processCpu);
            assertTrue(second.initCpuTime().isEmpty(), "a warm invocation has no init");
            assertTrue(second.cpuTime().isPresent());
            assertTrue(second.processCpuTime().orElseThrow().compareTo(processCpu) >= 0, "the counter only grows");
            assertTrue(first.classesLoadedAtDelivery().isEmpty(), "no class counts without a class-load log");
        }
    }

    @Test
    @Order(2)
    void invoke_withAClassLoadLog_countsTheClassesLoadedByInitAndByEachInvocation(@TempDir Path logDir)
            throws IOException {
        Path classLog = logDir.resolve("classes.log");
        try (LocalLambda cold = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .functionName("probe-classes")
                .memorySize(256)
                .classLoadLog(classLog)
                .logSink(l -> {})
                .build()) {
            LambdaInvocation first = cold.invoke("lazy".getBytes(StandardCharsets.UTF_8));
            LambdaInvocation second = cold.invoke("lazy".getBytes(StandardCharsets.UTF_8));

            assertEquals("lazy class loaded", first.payloadAsString());
            int init = first.classesLoadedAtInitEnd().orElseThrow();
            int delivery = first.classesLoadedAtDelivery().orElseThrow();
            int answer = first.classesLoadedAtAnswer().orElseThrow();
            assertTrue(init > 100 && init <= delivery && delivery < answer, init + " " + delivery + " " + answer);
            List<String> lines = Files.readAllLines(classLog);
            assertTrue(
                    lines.subList(delivery, answer).stream()
                            .anyMatch(l -> l.startsWith("dev.vpclattice.lambda.local.fixtures.ProbeHandler$Lazy ")),
                    "the class the invocation needed is among the lines it loaded: " + lines.subList(delivery, answer));
            assertTrue(
                    lines.subList(0, init).stream()
                            .anyMatch(l -> l.startsWith("dev.vpclattice.lambda.local.fixtures.ProbeHandler ")),
                    "the handler class is loaded in init");
            assertTrue(second.classesLoadedAtInitEnd().isEmpty(), "a warm invocation has no init");
            assertTrue(
                    lines
                            .subList(
                                    second.classesLoadedAtDelivery().orElseThrow(),
                                    second.classesLoadedAtAnswer().orElseThrow())
                            .stream()
                            .noneMatch(l -> l.contains("$Lazy ")),
                    "a class is loaded once");
        }
    }

    @Test
    @Order(2)
    void command_loadsTheRuntimeClientsJniLibraryFromAPrivateCopy() {
        // The runtime client's own default is one shared file that concurrent starts overwrite (SIGBUS).
        String prefix = "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=";
        String property = fn.command().stream()
                .filter(a -> a.startsWith(prefix))
                .findFirst()
                .orElseThrow();
        Path library = Path.of(property.substring(prefix.length()));
        assertTrue(Files.isRegularFile(library), property);
        assertNotEquals(Path.of("/tmp/.libaws-lambda-jni.so"), library);
    }

    @Test
    @Order(3)
    void invoke_runsInALambdaLikeEnvironmentWithoutTheParentsVariables() {
        Map<String, String> env =
                parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString());

        assertEquals(functionDir.toAbsolutePath().normalize().toString(), env.get("user.dir"));
        assertEquals(env.get("user.dir"), env.get("LAMBDA_TASK_ROOT"));
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertEquals(":UTC", env.get("TZ"));
        assertEquals("from-builder", env.get("CUSTOM"));
        assertEquals("null", env.get("HOME"), "the parent's environment must not leak into the function");
        assertEquals("null", env.get("AWS_SECRET_ACCESS_KEY"));
        assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:probe", env.get("arn"));
        assertTrue(
                env.get("java.library.path").startsWith(env.get("user.dir") + ":" + env.get("user.dir") + "/lib"),
                "as in Lambda, LD_LIBRARY_PATH puts the task root and its lib/ on the library path: "
                        + env.get("java.library.path"));
        assertEquals("probe", env.get("name"));
        assertEquals("256", env.get("memory"));
        long remaining = Long.parseLong(env.get("remainingMs"));
        assertTrue(remaining > 0 && remaining <= 3000, "deadline is delivery + timeout, remaining " + remaining);
    }

    @Test
    @Order(4)
    void invoke_twice_reusesTheWarmRuntime() {
        String first = parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString())
                .get("pid");
        String second = parse(fn.invoke("env".getBytes(StandardCharsets.UTF_8)).payloadAsString())
                .get("pid");

        assertEquals(first, second);
        assertEquals(Long.toString(fn.pid()), first);
    }

    @Test
    @Order(5)
    void invoke_handlerThrows_isFunctionErrorWithLambdasErrorJsonAndTheRuntimeStaysWarm() {
        long pid = fn.pid();
        LambdaInvocation r = fn.invoke("throw".getBytes(StandardCharsets.UTF_8));

        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertTrue(
                r.payloadAsString().contains("\"errorType\":\"java.lang.IllegalStateException\""), r.payloadAsString());
        assertTrue(r.payloadAsString().contains("probe was told to throw"), r.payloadAsString());
        assertEquals(pid, fn.pid());
        assertEquals(
                "after", fn.invoke("after".getBytes(StandardCharsets.UTF_8)).payloadAsString());
    }

    @Test
    @Order(6)
    void invoke_concurrentCallers_areServedOneAtATime() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        Queue<String> answers = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 4; i++) {
            String msg = "caller-" + i;
            Thread caller = new Thread(() ->
                    answers.add(fn.invoke(msg.getBytes(StandardCharsets.UTF_8)).payloadAsString()));
            caller.start();
            threads.add(caller);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(
                List.of("caller-0", "caller-1", "caller-2", "caller-3"),
                answers.stream().sorted().toList());
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
                .logSink(l -> {})
                .build()) {
            LambdaInvocation r = missing.invoke("x".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
            assertTrue(r.payloadAsString().contains("NoSuchHandler"), r.payloadAsString());
        }
    }

    @Test
    @Order(14)
    void invoke_snapStart_servesRestoreNextRunsTheHooksAndReportsInitAndInvocationApart() {
        try (LocalLambda snap = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.lambda.local.fixtures.SnapStartProbe")
                .environment(Map.of("INIT_SLEEP_MS", "400"))
                .snapStart(true)
                .logSink(l -> {})
                .build()) {
            LambdaInvocation first = snap.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.SUCCESS, first.status(), first.payloadAsString());
            // The runtime client ended init with restore/next and ran the CRaC hooks around it.
            assertEquals("initType=snap-start beforeCheckpoint=1 afterRestore=1", first.payloadAsString());
            assertTrue(first.initDuration().orElseThrow().toMillis() >= 400, "init includes the constructor");
            assertTrue(first.restoreDuration().isPresent());
            assertTrue(
                    first.invocationDuration().orElseThrow().compareTo(Duration.ofMillis(400)) < 0
                            || first.invocationDuration()
                                            .orElseThrow()
                                            .compareTo(first.initDuration().orElseThrow())
                                    < 0,
                    "the init sleep is not in the invocation: " + first);
            assertEquals(
                    "initType=snap-start beforeCheckpoint=1 afterRestore=1",
                    snap.invoke("{}".getBytes(StandardCharsets.UTF_8)).payloadAsString(),
                    "hooks run once");
        }
    }

    @Test
    @Order(15)
    void invoke_onDemand_neverCallsTheSnapStartHooks() {
        try (LocalLambda onDemand = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.lambda.local.fixtures.SnapStartProbe")
                .logSink(l -> {})
                .build()) {
            assertEquals(
                    "initType=on-demand beforeCheckpoint=0 afterRestore=0",
                    onDemand.invoke("{}".getBytes(StandardCharsets.UTF_8)).payloadAsString());
        }
    }

    @Test
    @Order(16)
    void invoke_initFails_eachInvokeInitialisesAFreshRuntime() {
        try (LocalLambda failing = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler("dev.vpclattice.lambda.local.fixtures.FailingInitHandler")
                .logSink(l -> {})
                .build()) {
            LambdaInvocation first = failing.invoke("{}".getBytes(StandardCharsets.UTF_8));
            LambdaInvocation second = failing.invoke("{}".getBytes(StandardCharsets.UTF_8));

            for (LambdaInvocation r : List.of(first, second)) {
                assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
                assertTrue(r.payloadAsString().contains("SETTING is not set"), r.payloadAsString());
            }
            assertTrue(failing.awaitLogLine(l -> l.startsWith("failing init attempt"), Duration.ofSeconds(10))
                    .isPresent());
            long attempts = 0;
            for (int i = 0; i < 100 && attempts < 2; i++) {
                attempts = failing.logLines().stream()
                        .filter(l -> l.startsWith("failing init attempt"))
                        .map(l -> l.substring(l.lastIndexOf(' ')))
                        .distinct()
                        .count();
                if (attempts < 2) {
                    failing.awaitLogLine(l -> false, Duration.ofMillis(100));
                }
            }
            assertEquals(2, attempts, () -> "two inits in two processes: " + failing.logLines());
        }
    }

    @Test
    @Order(17)
    void invoke_classesNewerThanTheRuntimeJvm_failsNamingBothJavaVersions(@TempDir Path newer) throws IOException {
        copyFixtureClasses(newer);
        Path probe = newer.resolve("dev/vpclattice/lambda/local/fixtures/ProbeHandler.class");
        byte[] bytes = Files.readAllBytes(probe);
        int major = Runtime.version().feature() + 45; // one above what this JVM runs
        bytes[6] = (byte) (major >> 8);
        bytes[7] = (byte) major;
        Files.write(probe, bytes);
        try (LocalLambda fn = LocalLambda.builder()
                .functionDirectory(newer)
                .handler(HANDLER)
                .logSink(l -> {})
                .build()) {
            LambdaInvocation r = fn.invoke("x".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
            String message = r.payloadAsString();
            assertTrue(message.contains("\"errorType\":\"Runtime.UnsupportedClassVersion\""), message);
            assertTrue(message.contains("need Java " + (Runtime.version().feature() + 1) + " or newer"), message);
            assertTrue(message.contains("is Java " + Runtime.version().feature()), message);
            assertTrue(message.contains(LocalLambda.JAVA_HOME_PROPERTY), message);
        }
    }

    @Test
    @Order(18)
    void invoke_afterClose_isRefused() {
        LocalLambda closed = LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .build();
        closed.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> closed.invoke(new byte[0]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
