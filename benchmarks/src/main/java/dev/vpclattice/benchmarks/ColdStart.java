package dev.vpclattice.benchmarks;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vpclattice.benchmarks.internal.Artifacts;
import dev.vpclattice.benchmarks.internal.NaiveEchoHandler;
import dev.vpclattice.benchmarks.internal.Options;
import dev.vpclattice.benchmarks.internal.Stats;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.local.LocalLattice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Measures cold starts: wall time from launching a fresh JVM running the real Lambda Java runtime interface client
 * (through {@link LocalLambda}) on a SAM-style artifact directory to the first response reaching the Runtime API
 * server, for the floor ({@link FloorHandler}), the service function, the client function (its first call, a
 * SigV4-signed POST over HTTPS to a {@link LocalLattice} in this JVM, included), and reference variants: the echo
 * written naively with jackson-databind, and the client function with the X-Ray recorder removed from its jar.
 *
 * <p>Launches are interleaved (each round runs every kind once, in an order rotated per round) so that machine
 * load drifts over all kinds alike. A first round warms the file cache and is discarded. Each launch also times a
 * second, warm invocation. One more launch per kind with {@code -Xlog:class+load} counts the classes loaded up to
 * the first response. Writes a JSON file the {@link Report} reads.
 *
 * <p>Usage: {@code ColdStart --service-dir DIR --client-dir DIR --event FILE --work DIR --out FILE [--runs N]
 * [--kinds floor,service,...] [--variants name=DIR,...]}; the artifact directories are what
 * {@code make build-ServiceFunction / build-ClientFunction ARTIFACTS_DIR=DIR} produce. {@code --variants} adds other
 * builds of the client function (to compare before and after a change), {@code --kinds} keeps only the named ones
 * (and the floor). Exits non-zero, printing the function's log, if any launch does not succeed.
 */
public final class ColdStart {
    private static final String ACCESS_KEY = "ASIAFAKECOLDSTART001";
    private static final String SECRET_KEY = "FAKE-SECRET-cold-start-0001";
    private static final String SESSION_TOKEN = "FAKE-SESSION-TOKEN-cold-start-0001";
    private static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/ClientFunctionRole/cold-start";

    private ColdStart() {
    }

    /** One kind of function launched. */
    private record Kind(String name, String description, Path directory, String handler, Map<String, String> env,
            List<String> jvmArguments, byte[] event, String mustContain) {
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class description
     * @throws Exception if setting up fails; a failed launch exits with status 1
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        Path serviceDir = Path.of(Options.required(options, "service-dir"));
        Path clientDir = Path.of(Options.required(options, "client-dir"));
        byte[] serviceEvent = Files.readAllBytes(Path.of(Options.required(options, "event")));
        Path work = Files.createDirectories(Path.of(Options.required(options, "work")).toAbsolutePath());
        Path out = Path.of(Options.required(options, "out"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "10"));

        Path floorDir = Artifacts.jarOfClasses(work.resolve("floor"), "floor.jar", FloorHandler.class);
        Path naiveDir = Artifacts.jarOfClasses(work.resolve("naive-echo"), "naive-echo.jar", NaiveEchoHandler.class);
        Artifacts.copyJarsOf(naiveDir.resolve("lib"), ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class);
        Path clientNoXrayDir = Artifacts.withoutPackage(clientDir, work.resolve("client-no-xray"), "com/amazonaws/xray/");

        Queue<String> latticeLog = new ConcurrentLinkedQueue<>();
        try (LocalLattice lattice = LocalLattice.builder()
                .sessionCredential(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, PRINCIPAL)
                .allow(PRINCIPAL)
                .accessLog(latticeLog::add)
                .target(event -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .header("content-type", "application/json")
                        .body("{\"received\":" + event.getBody().length() + "}")
                        .build())
                .build()) {
            List<String> trust = lattice.trustStoreJvmArguments(work.resolve("truststore.p12"));
            Map<String, String> clientEnv = Map.of(
                    "LATTICE_ENDPOINT", lattice.endpoint().toString(),
                    "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                    "AWS_SESSION_TOKEN", SESSION_TOKEN);
            byte[] clientEvent = "{\"hello\":\"lattice\",\"n\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
            List<Kind> kinds = new ArrayList<>(List.of(
                    new Kind("floor", "FloorHandler: constant answer, no JSON library", floorDir,
                            FloorHandler.class.getName(), Map.of(), List.of(), serviceEvent, "\"statusCode\":200"),
                    new Kind("service", "service function (EchoHandler, jackson-core streaming)", serviceDir,
                            "dev.vpclattice.function.service.EchoHandler", Map.of(), List.of(), serviceEvent,
                            "\"statusCode\":200"),
                    new Kind("client", "client function: build client, first signed POST over TLS to LocalLattice",
                            clientDir, "dev.vpclattice.function.client.ClientHandler", clientEnv, trust, clientEvent,
                            "\"statusCode\":200"),
                    new Kind("naive-echo", "reference: echo with jackson-databind tree in/out", naiveDir,
                            NaiveEchoHandler.class.getName(), Map.of(), List.of(), serviceEvent,
                            "\"statusCode\":200"),
                    new Kind("client-no-xray", "reference: the client function's jar without com/amazonaws/xray",
                            clientNoXrayDir, "dev.vpclattice.function.client.ClientHandler", clientEnv, trust,
                            clientEvent, "\"statusCode\":200")));
            // Extra client builds to compare (before/after an optimisation): --variants name=dir,name2=dir2
            for (String variant : options.getOrDefault("variants", "").split(",")) {
                if (!variant.isBlank()) {
                    String[] nameDir = variant.split("=", 2);
                    kinds.add(new Kind(nameDir[0], "variant: client function built from " + nameDir[1],
                            Path.of(nameDir[1]).toAbsolutePath(), "dev.vpclattice.function.client.ClientHandler",
                            clientEnv, trust, clientEvent, "\"statusCode\":200"));
                }
            }
            // Only some kinds (the floor is always kept: every ratio needs it): --kinds floor,client
            if (options.containsKey("kinds")) {
                List<String> wanted = List.of(("floor," + options.get("kinds")).split(","));
                kinds.removeIf(k -> !wanted.contains(k.name()));
            }

            Map<String, List<Double>> cold = new LinkedHashMap<>();
            Map<String, List<Double>> warm = new LinkedHashMap<>();
            kinds.forEach(k -> {
                cold.put(k.name(), new ArrayList<>());
                warm.put(k.name(), new ArrayList<>());
            });
            Instant started = Instant.now();
            for (int round = 0; round <= runs; round++) {
                for (int i = 0; i < kinds.size(); i++) {
                    Kind kind = kinds.get((i + round) % kinds.size());
                    double[] times = launch(kind, List.of());
                    if (round > 0) {
                        cold.get(kind.name()).add(times[0]);
                        warm.get(kind.name()).add(times[1]);
                    }
                }
                System.err.printf("cold-start round %d/%d done%n", round, runs);
            }

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("runs", runs);
            result.put("started", started.toString());
            result.put("finished", Instant.now().toString());
            result.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Kind kind : kinds) {
                int[] classes = countClasses(kind);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kind", kind.name());
                row.put("description", kind.description());
                row.put("handler", kind.handler());
                row.put("artifactBytes", Artifacts.size(kind.directory()));
                row.put("coldMs", cold.get(kind.name()));
                row.put("coldMedianMs", Stats.median(cold.get(kind.name())));
                row.put("warmMs", warm.get(kind.name()));
                row.put("warmMedianMs", Stats.median(warm.get(kind.name())));
                row.put("classesLoaded", classes[0]);
                row.put("classesFromFunction", classes[1]);
                rows.add(row);
            }
            result.put("kinds", rows);
            result.put("latticeRequests", latticeLog.size());
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.err.println("cold-start results written to " + out);
        }
    }

    /** Launches a fresh runtime, invokes it twice; returns {cold ms, warm ms}. Exits the JVM on failure. */
    private static double[] launch(Kind kind, List<String> extraJvmArguments) {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        List<String> jvm = new ArrayList<>(kind.jvmArguments());
        jvm.addAll(extraJvmArguments);
        try (LocalLambda function = LocalLambda.builder()
                .functionDirectory(kind.directory())
                .handler(kind.handler())
                .functionName(kind.name())
                .environment(kind.env())
                .jvmArguments(jvm)
                .timeout(Duration.ofSeconds(30))
                .logSink(log::add)
                .build()) {
            LambdaInvocation first = function.invoke(kind.event());
            check(kind, first, log);
            LambdaInvocation second = function.invoke(kind.event());
            check(kind, second, log);
            return new double[] {millis(first.duration()), millis(second.duration())};
        }
    }

    private static void check(Kind kind, LambdaInvocation invocation, Queue<String> log) {
        if (invocation.status() != LambdaInvocation.Status.SUCCESS
                || !invocation.payloadAsString().contains(kind.mustContain())) {
            System.err.println("The " + kind.name() + " function did not answer as expected: " + invocation.status()
                    + " " + invocation.payloadAsString());
            log.forEach(line -> System.err.println("  | " + line));
            System.exit(1);
        }
    }

    /**
     * One launch with class-load logging: {all classes loaded, classes loaded from the artifact directory}, counted
     * once the runtime is stopped (so the count includes the few classes it loads while asking for the next event).
     */
    private static int[] countClasses(Kind kind) {
        String directory = kind.directory().toAbsolutePath().normalize().toString();
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (LocalLambda function = LocalLambda.builder()
                .functionDirectory(kind.directory())
                .handler(kind.handler())
                .functionName(kind.name())
                .environment(kind.env())
                .jvmArguments(concat(kind.jvmArguments(), "-Xlog:class+load=info:stdout"))
                .timeout(Duration.ofSeconds(60))
                .logSink(log::add)
                .build()) {
            check(kind, function.invoke(kind.event()), log);
        }
        int all = 0;
        int fromFunction = 0;
        for (String line : log) {
            if (line.contains("[class,load]")) {
                all++;
                if (line.contains(directory)) {
                    fromFunction++;
                }
            }
        }
        return new int[] {all, fromFunction};
    }

    private static List<String> concat(List<String> list, String extra) {
        List<String> result = new ArrayList<>(list);
        result.add(extra);
        return result;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
