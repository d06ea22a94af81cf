package dev.vpclattice.lambda.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM each {@link LambdaRuntime} starts, seen from inside the function (its input arguments and environment) and
 * from the JVM's class-load log (where each class came from), in the real runtime interface client.
 */
@Timeout(300)
class LambdaRuntimeIT {
    private static final String HANDLER = "dev.vpclattice.lambda.local.fixtures.ProbeHandler::handleRequest";
    private static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String FROM_AOT_CACHE = RUNTIME_CLIENT_MAIN + " source: shared objects file";

    @TempDir
    static Path functionDir;

    @TempDir
    static Path cacheDir;

    @BeforeAll
    static void layOut() throws IOException {
        LocalLambdaIT.copyFixtureClasses(functionDir);
    }

    private static LocalLambda.Builder probe(LambdaRuntime runtime, boolean snapStart, Path classLog) {
        return LocalLambda.builder()
                .functionDirectory(functionDir)
                .handler(HANDLER)
                .runtime(runtime)
                .snapStart(snapStart)
                .aotCacheDirectory(cacheDir)
                .classLoadLog(classLog)
                .logSink(line -> {});
    }

    private static Map<String, String> env(LocalLambda function) {
        LambdaInvocation result = function.invoke("env".getBytes(StandardCharsets.UTF_8));
        assertEquals(LambdaInvocation.Status.SUCCESS, result.status(), result.payloadAsString());
        return LocalLambdaIT.parse(result.payloadAsString());
    }

    private static List<String> jvmArguments(Map<String, String> env) {
        return List.of(env.get("jvm.args").split(" "));
    }

    private static Optional<String> aotCacheFlag(List<String> arguments) {
        return arguments.stream().filter(a -> a.startsWith("-XX:AOTCache=")).findFirst();
    }

    @Test
    void java25_onDemand_stopsAtTierOneAndLoadsTheRuntimeClientFromItsAotCache(@TempDir Path logs) throws IOException {
        Map<String, String> env;
        try (LocalLambda function =
                probe(LambdaRuntime.JAVA25, false, logs.resolve("classes.log")).build()) {
            env = env(function);
        }

        List<String> arguments = jvmArguments(env);
        assertEquals("AWS_Lambda_java25", env.get("AWS_EXECUTION_ENV"));
        assertEquals("on-demand", env.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
        assertTrue(arguments.contains("-XX:TieredStopAtLevel=1"), arguments::toString);
        assertTrue(arguments.contains("-XX:+UseSerialGC"), arguments::toString);
        assertTrue(
                arguments.stream().noneMatch(a -> a.startsWith("-Xshare")), "no -Xshare beside a cache: " + arguments);
        Path cache = Path.of(aotCacheFlag(arguments).orElseThrow().substring("-XX:AOTCache=".length()));
        assertEquals(cacheDir, cache.getParent());
        assertTrue(Files.size(cache) > 1024 * 1024, "a trained cache: " + cache);
        assertTrue(
                Files.readAllLines(logs.resolve("classes.log")).contains(FROM_AOT_CACHE),
                "the runtime client's main class came from the cache");
    }

    @Test
    void java25_secondStartWithTheSameSettings_reusesTheCacheWithoutTraining(@TempDir Path logs) throws IOException {
        Path cache;
        try (LocalLambda first =
                probe(LambdaRuntime.JAVA25, false, logs.resolve("1.log")).build()) {
            cache = Path.of(aotCacheFlag(jvmArguments(env(first))).orElseThrow().substring("-XX:AOTCache=".length()));
        }
        FileTime trained = Files.getLastModifiedTime(cache);
        try (LocalLambda second =
                probe(LambdaRuntime.JAVA25, false, logs.resolve("2.log")).build()) {
            assertEquals(Optional.of("-XX:AOTCache=" + cache), aotCacheFlag(jvmArguments(env(second))));
            assertTrue(second.logLines().stream().noneMatch(l -> l.contains("training")), second.logLines()::toString);
        }
        assertEquals(trained, Files.getLastModifiedTime(cache));
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("training-")), "no leftovers");
        }
    }

    @Test
    void java25_snapStart_runsTheDefaultTiersFromACacheTrainedWithThoseFlags(@TempDir Path logs) throws IOException {
        Map<String, String> onDemand;
        Map<String, String> snap;
        try (LocalLambda function = probe(LambdaRuntime.JAVA25, false, logs.resolve("on-demand.log"))
                .build()) {
            onDemand = env(function);
        }
        try (LocalLambda function =
                probe(LambdaRuntime.JAVA25, true, logs.resolve("snap.log")).build()) {
            snap = env(function);
        }

        List<String> arguments = jvmArguments(snap);
        assertEquals("snap-start", snap.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
        assertTrue(arguments.stream().noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel")), arguments::toString);
        assertFalse(
                aotCacheFlag(arguments).equals(aotCacheFlag(jvmArguments(onDemand))),
                "each set of flags has its own cache");
        assertTrue(Files.readAllLines(logs.resolve("snap.log")).contains(FROM_AOT_CACHE));
    }

    @Test
    void java21_stopsAtTierOneWithTheJdksArchiveAndNoAotCache(@TempDir Path logs) throws IOException {
        Map<String, String> env;
        try (LocalLambda function =
                probe(LambdaRuntime.JAVA21, true, logs.resolve("classes.log")).build()) {
            env = env(function);
        }

        List<String> arguments = jvmArguments(env);
        assertEquals("AWS_Lambda_java21", env.get("AWS_EXECUTION_ENV"));
        assertTrue(arguments.contains("-XX:TieredStopAtLevel=1"), "java21 stops at tier 1 under SnapStart too");
        assertTrue(arguments.contains("-Xshare:auto"), arguments::toString);
        assertEquals(Optional.empty(), aotCacheFlag(arguments));
        String main = Files.readAllLines(logs.resolve("classes.log")).stream()
                .filter(l -> l.startsWith(RUNTIME_CLIENT_MAIN + " "))
                .findFirst()
                .orElseThrow();
        assertTrue(main.contains("source: file:") && main.endsWith(".jar"), main);
    }

    @Test
    void java25_callerChoosesClassDataSharing_startsWithoutTheCache(@TempDir Path logs) {
        try (LocalLambda function = probe(LambdaRuntime.JAVA25, false, logs.resolve("classes.log"))
                .jvmArguments(List.of("-Xshare:off"))
                .build()) {
            // The JVM refuses -XX:AOTCache beside any -Xshare option: the runtime must start without it.
            List<String> arguments = jvmArguments(env(function));

            assertEquals(Optional.empty(), aotCacheFlag(arguments));
            assertTrue(arguments.contains("-Xshare:off"));
        }
    }
}
