package dev.vpclattice.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vpclattice.benchmarks.internal.Machine;
import dev.vpclattice.benchmarks.internal.Options;
import dev.vpclattice.benchmarks.internal.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code docs/benchmarks.md} from one run's results: the JMH JSON ({@code -rf json}), the {@link ColdStart}
 * JSON, the {@link CallCost} JSON lines, and the machine as it is now. Every ratio compares two numbers measured in the
 * same run. A result file that is absent, or JMH rows that are not in it, give a line saying that measurement was not
 * run. A hand-written findings file, if given, is appended as is.
 *
 * <p>Usage: {@code Report --jmh FILE --cold FILE --out FILE [--call-cost FILE] [--findings FILE]
 * [--load-before "1 5 15"] [--load-after "1 5 15"] [--seconds N] [--jmh-args "..."]}.
 */
public final class Report {
    /** Client function cold start budget, as a multiple of the hand-written CRT peer's. */
    public static final double CLIENT_COLD_BUDGET = 1.0;
    /** Client function cold start stretch goal, as a multiple of the hand-written CRT peer's. */
    public static final double CLIENT_COLD_STRETCH = 0.9;
    /** The library per call budget, as a multiple of the hand-signed call on the same HTTP client. */
    public static final double LIBRARY_CALL_BUDGET = 1.0;
    /** Each signing adapter per call, as a multiple of the same HTTP client signing by hand (JMH). */
    public static final double ADAPTER_CALL_BUDGET = 1.05;
    /** Service cold start budget, as a multiple of the floor's. */
    public static final double SERVICE_COLD_BUDGET = 1.3;
    /** Client first invocation after a SnapStart init, as a multiple of its own warm Duration. */
    public static final double CLIENT_SNAP_BUDGET = 3.0;
    /** Service first invocation after a SnapStart init, as a multiple of its own warm Duration. */
    public static final double SERVICE_SNAP_BUDGET = 1.5;
    /** Service artifact budget in bytes (3 MB). */
    public static final long SERVICE_ARTIFACT_BUDGET = 3L * 1024 * 1024;

    private static final String PACKAGE = "dev.vpclattice.benchmarks.";

    /** The signing adapters of {@link AdapterSigningBenchmark}: row prefix, what it is. */
    private static final String[][] ADAPTERS = {
        {"ok", "OkHttp, `LatticeOkHttpInterceptor` (network interceptor)"},
        {"apache", "Apache HttpClient 5, `LatticeApache5Interceptor`"},
        {"jdk", "`java.net.http.HttpClient`, `LatticeJdkHttpSigner`"},
        {"spring", "Spring `RestClient` on the JDK client, `LatticeSpringInterceptor`"},
        {"webClient", "Spring `WebClient` on the JDK client, `LatticeWebClientFilter`"}
    };

    private final List<JsonNode> jmh;
    private final JsonNode cold;
    private final List<JsonNode> callCost;
    private final StringBuilder md = new StringBuilder();

    private Report(List<JsonNode> jmh, JsonNode cold, List<JsonNode> callCost) {
        this.jmh = jmh;
        this.cold = cold;
        this.callCost = callCost;
    }

    /**
     * Writes the report.
     *
     * @param args see the class description
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = Options.parse(args);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> jmh = new ArrayList<>();
        Path jmhFile = Path.of(Options.required(options, "jmh"));
        if (Files.exists(jmhFile)) {
            json.readTree(jmhFile.toFile()).forEach(jmh::add);
        }
        Path coldFile = Path.of(Options.required(options, "cold"));
        JsonNode cold = Files.exists(coldFile) ? json.readTree(coldFile.toFile()) : MissingNode.getInstance();
        List<JsonNode> callCost = new ArrayList<>();
        if (options.containsKey("call-cost") && Files.exists(Path.of(options.get("call-cost")))) {
            try (MappingIterator<JsonNode> lines = json.readerFor(JsonNode.class)
                    .readValues(Path.of(options.get("call-cost")).toFile())) {
                lines.forEachRemaining(callCost::add);
            }
        }
        Report report = new Report(jmh, cold, callCost);
        String findings = options.containsKey("findings") ? Files.readString(Path.of(options.get("findings"))) : null;
        Path out = Path.of(Options.required(options, "out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.render(options, findings));
        System.err.println("report written to " + out);
    }

    private String render(Map<String, String> options, String findings) {
        line("# Benchmarks");
        line();
        line("Generated by `scripts/bench` (`make bench`) on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (options.containsKey("seconds") ? ", in " + options.get("seconds") + " s" : "")
                + ". Do not edit: rerun it. Every ratio compares two numbers measured in the same run.");
        line();
        machine(options);
        budgets();
        coldStarts();
        libraryPerCall();
        perRequest(options);
        if (findings != null) {
            line(findings.strip());
            line();
        }
        reproduce();
        return md.toString();
    }

    private void machine(Map<String, String> options) {
        line("## Machine");
        line();
        line("| | |");
        line("|---|---|");
        line("| CPUs (`nproc`) | " + Runtime.getRuntime().availableProcessors() + " |");
        line("| CPU | " + Machine.cpuModel() + " |");
        line("| memory | " + Machine.memory() + " |");
        line("| load average (1, 5, 15 min) | before: " + options.getOrDefault("load-before", "unknown") + "; after: "
                + options.getOrDefault("load-after", Machine.loadAverage()) + " |");
        line("| JDK (benchmarks and the functions' JVMs) | " + System.getProperty("java.vm.name") + " "
                + Runtime.version() + " (" + System.getProperty("java.vendor") + ") |");
        line("| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + " |");
        line("| Lambda runtime client | aws-lambda-java-runtime-interface-client 2.10.1, run by `LocalLambda` as "
                + "Lambda's `java25` runtime runs it: `-XX:+TieredCompilation -XX:TieredStopAtLevel=1 "
                + "-XX:+UseSerialGC` on demand (no `TieredStopAtLevel` after a SnapStart init), `-XX:AOTCache` of the "
                + "runtime client trained once on this JDK with the same flags, heap 85% of 512 MB; java21 rows: "
                + "`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto` |");
        line("| cold-start run | "
                + (cold.has("started")
                        ? cold.path("started").asText() + " to "
                                + cold.path("finished").asText()
                        : "not run")
                + " |");
        line();
    }

    private void budgets() {
        line("## Budgets");
        line();
        line(
                "Every budget is a ratio of two numbers from this one interleaved run, never a test assertion. The verdict "
                        + "is given on wall time, what a user waits, and on the CPU time of the function's JVM (user + "
                        + "system) in the same launches, which a loaded machine distorts far less. The functions run on "
                        + "Lambda's `java25` runtime as `LocalLambda` emulates it (tier-1 compilation on demand, the JVM's "
                        + "default tiers after a SnapStart init, the runtime client from its AOT cache); the rows marked "
                        + "java21 run the same artifacts with `java21`'s flags.");
        line();
        line("| budget | wall: measured | wall: verdict | CPU: measured | CPU: verdict |");
        line("|---|---|---|---|---|");
        for (String[] k : new String[][] {
            {"client", "peer-crt", "client function cold start (launch to first response)"},
            {"client-java21", "peer-crt-java21", "the same, java21"},
            {"client-on-create", "peer-crt", "minimal user handler on `LatticeClient.create()`, cold start"}
        }) {
            if (!has(k[0]) || !has(k[1])) {
                continue;
            }
            double wall = coldMedian(k[0]) / coldMedian(k[1]);
            double cpu = median(k[0], "coldCpuMs") / median(k[1], "coldCpuMs");
            line("| " + k[2] + " ≤ " + fmt1(CLIENT_COLD_BUDGET) + "× the hand-written CRT peer's (stretch "
                    + CLIENT_COLD_STRETCH + "×) | " + ratio(wall) + " (" + fmt(coldMedian(k[0])) + " vs "
                    + fmt(coldMedian(k[1])) + " ms) | " + verdict(wall, CLIENT_COLD_BUDGET) + stretch(wall) + " | "
                    + ratio(cpu) + " (" + fmt(median(k[0], "coldCpuMs")) + " vs " + fmt(median(k[1], "coldCpuMs"))
                    + " ms) | " + verdict(cpu, CLIENT_COLD_BUDGET) + stretch(cpu) + " |");
        }
        if (has("client-on-create") && has("peer-crt")) {
            double wall = pairedRatio("client-on-create", "peer-crt", "warmMedianMs");
            double cpu = pairedRatio("client-on-create", "peer-crt", "warmMedianCpuMs");
            line("| the library per call ≤ " + fmt1(LIBRARY_CALL_BUDGET) + "× the hand-signed call on the same HTTP "
                    + "client: warm Duration, `create()` handler vs CRT peer (median of the launches' paired ratios) "
                    + "| " + ratio(wall) + " (" + fmt(median("client-on-create", "warmMedianMs")) + " vs "
                    + fmt(median("peer-crt", "warmMedianMs")) + " ms) | " + verdict(wall, LIBRARY_CALL_BUDGET)
                    + " | " + ratio(cpu) + " (" + fmt(median("client-on-create", "warmMedianCpuMs")) + " vs "
                    + fmt(median("peer-crt", "warmMedianCpuMs")) + " ms) | " + verdict(cpu, LIBRARY_CALL_BUDGET)
                    + " |");
        }
        Optional<JsonNode> signed = find("HttpClientBenchmark.sdkSignedApache5HttpClient", null);
        Optional<JsonNode> lib = find("HttpClientBenchmark.libraryApache5HttpClient", null);
        if (signed.isPresent() && lib.isPresent()) {
            double r = micros(lib.get()) / micros(signed.get());
            line("| the same, JMH: `LatticeClient.send` vs the SDK signer and `Apache5HttpClient` called directly | "
                    + ratio(r) + " (" + fmt(micros(lib.get())) + plusMinus(error(lib.get())) + " vs "
                    + fmt(micros(signed.get())) + plusMinus(error(signed.get())) + " µs) | "
                    + verdict(r, LIBRARY_CALL_BUDGET) + " | | |");
        }
        if (callCost.isEmpty()) {
            line("| the library per call ≤ " + fmt1(LIBRARY_CALL_BUDGET) + "× the hand-signed call on the same HTTP "
                    + "client, `CallCost`: CPU per call in a JVM set up as Lambda on demand | | | not run | |");
        }
        for (JsonNode c : callCost) {
            double r = c.path("cpuRatio").asDouble();
            line("| the library per call ≤ " + fmt1(LIBRARY_CALL_BUDGET) + "× the hand-signed call on the same HTTP "
                    + "client, `CallCost`: CPU per call on `"
                    + httpClient(c.path("client").asText())
                    + "` in a JVM set up as Lambda on demand (median of paired ratios) | | | " + ratio(r) + " ("
                    + fmt(c.path("libraryCpuUs").asDouble()) + " vs "
                    + fmt(c.path("handCpuUs").asDouble())
                    + " µs) | " + verdict(r, LIBRARY_CALL_BUDGET) + " |");
        }
        adapterBudget();
        for (String[] k : new String[][] {{"service", "floor", ""}, {"service-java21", "floor-java21", ", java21"}}) {
            if (!has(k[0]) || !has(k[1])) {
                continue;
            }
            double wall = coldMedian(k[0]) / coldMedian(k[1]);
            double cpu = median(k[0], "coldCpuMs") / median(k[1], "coldCpuMs");
            line("| service cold start" + k[2] + " ≤ " + fmt1(SERVICE_COLD_BUDGET) + "× the floor's | " + ratio(wall)
                    + " (" + fmt(coldMedian(k[0])) + " vs " + fmt(coldMedian(k[1])) + " ms) | "
                    + verdict(wall, SERVICE_COLD_BUDGET) + " | " + ratio(cpu) + " | "
                    + verdict(cpu, SERVICE_COLD_BUDGET)
                    + " |");
        }
        for (String[] k : new String[][] {{"client-snap", "client"}, {"service-snap", "service"}}) {
            if (!has(k[0])) {
                continue;
            }
            double budget = k[1].equals("client") ? CLIENT_SNAP_BUDGET : SERVICE_SNAP_BUDGET;
            double wall = pairedRatio(k[0], k[0], "firstInvocationMs", "warmMedianMs");
            double cpu = pairedRatio(k[0], k[0], "firstInvocationCpuMs", "warmMedianCpuMs");
            line("| " + k[1] + "'s first invocation after a SnapStart init ≤ " + fmt1(budget) + "× its own warm "
                    + "Duration | " + ratio(wall) + " (" + fmt(median(k[0], "firstInvocationMs")) + " vs "
                    + fmt(median(k[0], "warmMedianMs")) + " ms) | " + verdict(wall, budget) + " | " + ratio(cpu) + " ("
                    + fmt(median(k[0], "firstInvocationCpuMs")) + " vs " + fmt(median(k[0], "warmMedianCpuMs"))
                    + " ms) | " + verdict(cpu, budget) + " |");
        }
        if (has("service")) {
            long serviceBytes = kind("service").path("artifactBytes").asLong();
            line("| service artifact < 3 MB | " + mb(serviceBytes) + " | "
                    + (serviceBytes < SERVICE_ARTIFACT_BUDGET
                            ? "met, " + mb(SERVICE_ARTIFACT_BUDGET - serviceBytes) + " to spare"
                            : "missed by " + mb(serviceBytes - SERVICE_ARTIFACT_BUDGET))
                    + " | | |");
        }
        line();
    }

    /** The median over launches of {@code a}'s field divided by {@code b}'s, launch by launch (same round). */
    private double pairedRatio(String a, String b, String field) {
        return pairedRatio(a, b, field, field);
    }

    private double pairedRatio(String a, String b, String fieldA, String fieldB) {
        List<Double> as = doubles(kind(a).path(fieldA));
        List<Double> bs = doubles(kind(b).path(fieldB));
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(as.size(), bs.size()); i++) {
            ratios.add(as.get(i) / bs.get(i));
        }
        return Stats.median(ratios);
    }

    /** The floor each kind is compared with: the one of its runtime configuration and initialization. */
    private String floorOf(JsonNode k) {
        if (k.path("snapStart").asBoolean()) {
            return "floor-snap";
        }
        return "java21".equals(k.path("runtime").asText()) && has("floor-java21") ? "floor-java21" : "floor";
    }

    private static String stretch(double r) {
        return r <= CLIENT_COLD_STRETCH ? "; stretch met" : "; stretch missed";
    }

    /** The floor on each runtime configuration: what the runtime client's AOT cache is worth, and java21's flags. */
    private void floors() {
        if (!has("floor-no-aot") && !has("floor-java21")) {
            return;
        }
        line("### The floor on each runtime configuration");
        line();
        line(
                "The same constant-answer handler on Lambda's `java25` as emulated here (its runtime client's classes from "
                        + "an AOT cache, trained once on this JDK by `LocalLambda`), on the same flags without that cache "
                        + "(the JDK's own CDS archive), and on `java21`'s flags (`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
                        + "-Xshare:auto`). Ratios against a floor without the cache would overstate every java25 function's "
                        + "cost beside it.");
        line();
        line("| floor | launch → first response | × java25 floor | CPU launch → first response | × | Init Duration |");
        line("|---|---:|---:|---:|---:|---:|");
        for (String name : List.of("floor", "floor-no-aot", "floor-java21")) {
            if (has(name)) {
                line("| " + name + " | " + fmt(coldMedian(name)) + " ms | "
                        + ratio(coldMedian(name) / coldMedian("floor")) + " | " + fmt(median(name, "coldCpuMs"))
                        + " ms | " + ratio(median(name, "coldCpuMs") / median("floor", "coldCpuMs")) + " | "
                        + medianCell(kind(name).path("initMs")) + " |");
            }
        }
        line();
    }

    private void coldStarts() {
        int warm = cold.path("warmCalls").asInt();
        line("## Cold start, as Lambda reports it");
        line();
        if (cold.path("kinds").isEmpty()) {
            line("Not run: no cold-start results (`cold-start.json`) in this run.");
            line();
            return;
        }
        line("Each launch starts a fresh JVM running the real Lambda runtime interface client on the SAM artifact "
                + "directory (`LocalLambda`), invokes it once cold, then " + warm + " times warm. *launch → first "
                + "response*: from spawning the JVM to the first response reaching the Runtime API server. *Init "
                + "Duration*: from spawning the JVM to the runtime's first request for work (Lambda's Init "
                + "Duration; under SnapStart, its `restore/next`, where the snapshot would be taken). *first "
                + "Duration*: the first invocation, from the event's delivery to the response posted (Lambda's "
                + "Duration). *warm*: the median Duration of the " + warm + " warm invocations (p99 in brackets); "
                + "*cold + " + warm + " warm*: launch → first response plus their Durations, so that a faster start "
                + "that costs per call shows. The client's calls go over HTTPS, SigV4-signed, to a local Lattice "
                + "(`LocalLattice`) in the benchmark JVM, which verifies each signature and answers at once (its "
                + "target is a constant answer in that JVM, warm after the discarded first round, not another "
                + "function's cold start). The function trusts it as it trusts the real endpoint, plus the local "
                + "certificate: the CRT client through s2n's system CA bundle and `SSL_CERT_FILE`; the JSSE clients "
                + "(Apache 5, URLConnection) through a trust store of the JDK's CA certificates and the local one. "
                + "On demand, credentials come from the environment variables, as Lambda sets them. Invocations are "
                + "unsampled (`Sampled=0`) unless the row says sampled. "
                + cold.path("runs").asInt() + " launches per function, interleaved (every round launches each "
                + "function once, the order rotated per round) after one discarded warm-up round; medians, "
                + "p25–p75 in brackets.");
        line();
        line("| function | launch → first response | × its floor | Init Duration | first Duration | warm Duration "
                + "(p99) | cold + " + warm + " warm |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (JsonNode k : cold.path("kinds")) {
            if (k.path("snapStart").asBoolean()) {
                continue;
            }
            double floor = coldMedian(floorOf(k));
            List<Double> ms = doubles(k.path("coldMs"));
            List<Double> total = new ArrayList<>();
            List<Double> warmTotals = doubles(k.path("warmTotalMs"));
            for (int i = 0; i < ms.size(); i++) {
                total.add(ms.get(i) + warmTotals.get(i));
            }
            line("| **" + k.path("kind").asText() + "**: "
                    + k.path("description").asText()
                    + " | " + fmt(Stats.median(ms)) + " ms (" + fmt(Stats.quantile(ms, 0.25)) + "–"
                    + fmt(Stats.quantile(ms, 0.75)) + ")"
                    + " | " + ratio(Stats.median(ms) / floor)
                    + " | " + medianCell(k.path("initMs"))
                    + " | " + medianCell(k.path("firstInvocationMs"))
                    + " | " + fmt(Stats.median(doubles(k.path("warmMedianMs")))) + " ms ("
                    + fmt(Stats.median(doubles(k.path("warmP99Ms")))) + ")"
                    + " | " + fmt(Stats.median(total)) + " ms |");
        }
        line();
        floors();
        cpuAndClasses(false, warm);
        if (has("floor-snap")) {
            line("### After a SnapStart init");
            line();
            line("The same functions with `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`: the runtime client runs the "
                    + "CRaC `beforeCheckpoint` hooks, calls `restore/next` (answered at once: nothing is snapshotted "
                    + "here), runs `afterRestore` and polls for the event. The client function primes its call path "
                    + "during that init (a whole signed HTTPS call to its own loopback server with throwaway "
                    + "credentials, its credentials path against a throwaway container endpoint, X-Ray, result "
                    + "writing), and gets its real credentials, as Lambda serves SnapStart functions, from a container "
                    + "endpoint on loopback in the benchmark JVM. So *Init Duration* is what the snapshot would hold, "
                    + "and *first Duration* what a restored environment still does on its first call: connect and "
                    + "handshake with the real endpoint, fetch the real credentials, sign, the round trip. Lambda's "
                    + "restore itself is AWS's and not measured. *restore hooks*: `restore/next` answered to first "
                    + "poll.");
            line();
            line("| function | Init Duration | restore hooks | first Duration | × floor's first Duration | warm "
                    + "Duration (p99) | first × own warm (paired) |");
            line("|---|---:|---:|---:|---:|---:|---:|");
            double floorFirst = median("floor-snap", "firstInvocationMs");
            for (JsonNode k : cold.path("kinds")) {
                if (!k.path("snapStart").asBoolean()) {
                    continue;
                }
                line("| **" + k.path("kind").asText() + "**: "
                        + k.path("description").asText()
                        + " | " + medianCell(k.path("initMs"))
                        + " | " + fmt(Stats.median(doubles(k.path("restoreMs")))) + " ms"
                        + " | " + medianCell(k.path("firstInvocationMs"))
                        + " | " + ratio(Stats.median(doubles(k.path("firstInvocationMs"))) / floorFirst)
                        + " | " + fmt(Stats.median(doubles(k.path("warmMedianMs")))) + " ms ("
                        + fmt(Stats.median(doubles(k.path("warmP99Ms")))) + ")"
                        + " | "
                        + ratio(pairedRatio(
                                k.path("kind").asText(), k.path("kind").asText(), "firstInvocationMs", "warmMedianMs"))
                        + " |");
            }
            line();
            cpuAndClasses(true, warm);
        }
        line("### Memory and size");
        line();
        line("*peak RSS*: the runtime process's peak resident set size (`VmHWM`, what Lambda reports as Max Memory "
                + "Used), after the first invocation and after the " + warm + " warm ones (medians over the "
                + "launches). *heap after first*: `jcmd GC.heap_info` right after the first invocation, in use as it "
                + "is and live after a full GC (`GC.run`), in one extra launch. Classes are counted in another "
                + "extra launch with a class-load log (in brackets: loaded from the artifact). Heap cap 85% of 512 "
                + "MB, as Lambda sets it.");
        line();
        line("| function | peak RSS after first | after " + warm + " warm | heap after first: used / live | "
                + "classes loaded | artifact |");
        line("|---|---:|---:|---:|---:|---:|");
        for (JsonNode k : cold.path("kinds")) {
            line("| " + k.path("kind").asText()
                    + " | " + bytes(Stats.median(doubles(k.path("peakRssAfterFirstBytes"))))
                    + " | " + bytes(Stats.median(doubles(k.path("peakRssAfterWarmBytes"))))
                    + " | " + bytes(k.path("heapUsedAfterFirstBytes").asDouble(Double.NaN)) + " / "
                    + bytes(k.path("heapLiveAfterFirstBytes").asDouble(Double.NaN))
                    + " | " + k.path("classesLoaded").asInt() + " ("
                    + k.path("classesFromFunction").asInt() + ")"
                    + " | " + bytes(k.path("artifactBytes").asLong()) + " |");
        }
        line();
    }

    /**
     * CPU time of the function's JVM (user + system, all threads, read while it waits on the Runtime API) and the
     * classes it loaded, for the on-demand or the SnapStart rows.
     */
    private void cpuAndClasses(boolean snapStart, int warm) {
        line("CPU time of the function's JVM in the same launches (user + system, all threads; launch → first "
                + "response and Init from `/proc/PID/stat` in 10 ms steps, invocations from each thread's "
                + "`schedstat` in ns), medians, × the floor of its runtime configuration"
                + (snapStart ? " (after a SnapStart init)" : "")
                + "; classes loaded by the end of init and during the first invocation, from one more launch "
                + "with a class-load log (`LocalLambda.classLoadLog`), whose first-invocation lists are in "
                + "`benchmarks/target/bench/work/classes/`.");
        line();
        line("| function | CPU launch → first response | × floor | Init CPU | first invocation CPU | × floor "
                + "| warm CPU | CPU cold + " + warm + " warm | classes by end of init | classes in first invocation |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (JsonNode k : cold.path("kinds")) {
            if (k.path("snapStart").asBoolean() != snapStart) {
                continue;
            }
            String name = k.path("kind").asText();
            double floorCold = median(floorOf(k), "coldCpuMs");
            double floorFirst = median(floorOf(k), "firstInvocationCpuMs");
            line("| " + name
                    + " | " + fmt(median(name, "coldCpuMs")) + " ms"
                    + " | " + ratio(median(name, "coldCpuMs") / floorCold)
                    + " | " + fmt(median(name, "initCpuMs")) + " ms"
                    + " | " + fmt(median(name, "firstInvocationCpuMs")) + " ms"
                    + " | " + ratio(median(name, "firstInvocationCpuMs") / floorFirst)
                    + " | " + fmt(median(name, "warmMedianCpuMs")) + " ms"
                    + " | " + fmt(median(name, "totalCpuMs")) + " ms"
                    + " | " + k.path("classesAtInitEnd").asInt() + " | "
                    + k.path("classesDuringFirstInvocation").asInt()
                    + " |");
        }
        line();
    }

    private String medianCell(JsonNode values) {
        List<Double> v = doubles(values);
        return fmt(Stats.median(v)) + " ms (" + fmt(Stats.quantile(v, 0.25)) + "–" + fmt(Stats.quantile(v, 0.75)) + ")";
    }

    private boolean has(String name) {
        for (JsonNode k : cold.path("kinds")) {
            if (k.path("kind").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private double median(String kind, String field) {
        return Stats.median(doubles(kind(kind).path(field)));
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private void perRequest(Map<String, String> options) {
        line("## Per-request cost (JMH)");
        line();
        if (jmh.isEmpty()) {
            line("Not run: no JMH results (`jmh.json`) in this run.");
            line();
            return;
        }
        line("JMH " + jmh.get(0).path("jmhVersion").asText() + " ("
                + options.getOrDefault("jmh-args", "?") + "), one thread; ± is JMH's 99.9% confidence "
                + "half-interval; allocation per operation from `-prof gc` (`gc.alloc.rate.norm`). Default JIT "
                + "(C2), unlike the cold starts.");
        line();
        echo();
        signing();
        http();
        adapters();
    }

    private void echo() {
        line("### Echo handler (`handleRequest` on byte streams, as the runtime client calls it)");
        line();
        if (notRun("EchoBenchmark")) {
            return;
        }
        line("The event is a V2 POST shaped like `sample-events/post-json.json` with a JSON body padded to the size. "
                + "Each operation wraps the event in a `ByteArrayInputStream`, resets a reused "
                + "`ByteArrayOutputStream` and copies it out, as the runtime client does. `floorHandler` writes a "
                + "constant answer; `naiveDatabindEcho` is the same echo written with jackson-databind (tree in, "
                + "tree out).");
        line();
        line("| handler | event | ops/s | µs/op | MB/s of event | allocated/op | × naive time |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (String size : List.of("1024", "1048576")) {
            Optional<JsonNode> naive = find("EchoBenchmark.naiveDatabindEcho", size);
            for (String name : List.of("echoHandler", "naiveDatabindEcho", "floorHandler")) {
                find("EchoBenchmark." + name, size).ifPresent(r -> {
                    double us = micros(r);
                    line("| " + name + " | " + (size.equals("1024") ? "1 KB" : "1 MB")
                            + " | " + fmt(r.path("primaryMetric").path("score").asDouble()) + " ± "
                            + fmt(error(r)) + " | " + fmt(us)
                            + " | " + fmt(Integer.parseInt(size) / us)
                            + " | " + bytes(alloc(r))
                            + " | " + naive.map(n -> ratio(us / micros(n))).orElse("") + " |");
                });
            }
        }
        line();
    }

    private void signing() {
        line("### Signing");
        line();
        if (notRun("SigningBenchmark")) {
            return;
        }
        line("A POST with session credentials: the library's `LatticeSigner` against the SDK's `AwsV4HttpSigner` "
                + "called directly with the same properties (service `vpc-lattice-svcs`, unsigned payload).");
        line();
        line("| signer | µs/op | allocated/op | × SDK signer |");
        line("|---|---:|---:|---:|");
        Optional<JsonNode> sdk = find("SigningBenchmark.sdkSignerDirect", null);
        for (String name : List.of("latticeSigner", "sdkSignerDirect")) {
            find("SigningBenchmark." + name, null)
                    .ifPresent(r -> line("| " + name + " | " + fmt(micros(r)) + " ± "
                            + fmt(error(r)) + " | " + bytes(alloc(r)) + " | "
                            + sdk.map(s -> ratio(micros(r) / micros(s))).orElse("") + " |"));
        }
        line();
    }

    private void http() {
        line("### One request over a kept-alive HTTPS connection (loopback)");
        line();
        if (notRun("HttpClientBenchmark")) {
            return;
        }
        line("POST of a 1 KB JSON body to an HTTPS server on 127.0.0.1 (JDK `HttpsServer`, constant 200 answer). "
                + "*raw*: the SDK HTTP client alone, unsigned. *library*: `LatticeClient.send` over the same kind "
                + "of HTTP client: builds the `LatticeRequest`, resolves credentials (default chain), signs, arms the "
                + "call timeout, copies the response. The issue's baseline, `ApacheHttpClient` (Apache 4), is "
                + "deprecated in SDK 2.57.8; the library's default and this baseline are `Apache5HttpClient`. The "
                + "`NettyNioAsyncHttpClient` rows: the async SDK client alone, and "
                + "`LatticeAsyncClient.send(...).join()` over it, its default (the client's completion executor "
                + "hands the answer to the waiting thread).");
        line();
        line("| client | µs/op | allocated/op | × raw, same HTTP client | × raw Apache5HttpClient |");
        line("|---|---:|---:|---:|---:|");
        Optional<JsonNode> rawApache = find("HttpClientBenchmark.rawApache5HttpClient", null);
        for (String[] pair : new String[][] {
            {"libraryApache5HttpClient", "rawApache5HttpClient"},
            {"sdkSignedApache5HttpClient", "rawApache5HttpClient"},
            {"rawApache5HttpClient", "rawApache5HttpClient"},
            {"libraryUrlConnectionHttpClient", "rawUrlConnectionHttpClient"},
            {"rawUrlConnectionHttpClient", "rawUrlConnectionHttpClient"},
            {"libraryNettyNioAsyncHttpClient", "rawNettyNioAsyncHttpClient"},
            {"rawNettyNioAsyncHttpClient", "rawNettyNioAsyncHttpClient"}
        }) {
            Optional<JsonNode> same = find("HttpClientBenchmark." + pair[1], null);
            find("HttpClientBenchmark." + pair[0], null)
                    .ifPresent(r -> line("| " + pair[0] + " | "
                            + fmt(micros(r)) + " ± " + fmt(error(r)) + " | " + bytes(alloc(r)) + " | "
                            + same.map(s -> ratio(micros(r) / micros(s))).orElse("") + " | "
                            + rawApache.map(s -> ratio(micros(r) / micros(s))).orElse("") + " |"));
        }
        line();
    }

    /** Says so, and returns true, when the JMH results have no row of the benchmark class. */
    private boolean notRun(String benchmarkClass) {
        for (JsonNode r : jmh) {
            if (r.path("benchmark").asText().startsWith(PACKAGE + benchmarkClass + ".")) {
                return false;
            }
        }
        line("Not run: no `" + benchmarkClass + "` rows in this run's JMH results.");
        line();
        return true;
    }

    /** The worst signing adapter against the same HTTP client signing by hand, as one budget row. */
    private void adapterBudget() {
        String worst = null;
        double worstRatio = Double.NEGATIVE_INFINITY;
        double worstError = Double.NaN;
        for (String[] adapter : ADAPTERS) {
            Optional<JsonNode> hand = find("AdapterSigningBenchmark." + adapter[0] + "Hand", null);
            Optional<JsonNode> signed = find("AdapterSigningBenchmark." + adapter[0] + "Adapter", null);
            if (hand.isPresent() && signed.isPresent()) {
                double r = micros(signed.get()) / micros(hand.get());
                if (r > worstRatio) {
                    worst = adapter[0];
                    worstRatio = r;
                    worstError = ratioError(signed.get(), hand.get());
                }
            }
        }
        String budget = "each signing adapter per call ≤ " + fmt2(ADAPTER_CALL_BUDGET) + "× the same HTTP client "
                + "signing by hand (JMH, `AdapterSigningBenchmark`)";
        if (worst == null) {
            line("| " + budget + " | not run | | | |");
            return;
        }
        line("| " + budget + ": the highest, `" + worst + "Adapter` | " + ratio(worstRatio) + plusMinus(worstError)
                + " | " + verdict(worstRatio, ADAPTER_CALL_BUDGET) + spans(worstRatio, worstError, ADAPTER_CALL_BUDGET)
                + " | | |");
    }

    private void adapters() {
        line("### Signing adapters against the same HTTP client signing by hand");
        line();
        if (notRun("AdapterSigningBenchmark")) {
            return;
        }
        line("`AdapterSigningBenchmark`: a POST of a 1 KB JSON body over a kept-alive HTTPS connection to a loopback "
                + "server (constant 200 answer), through each HTTP client an adapter serves. *by hand*: the User "
                + "Guide's Java example in the same hook the adapter uses (`AwsV4HttpSigner`, "
                + "`PAYLOAD_SIGNING_ENABLED=false`, the signed headers copied onto the request); *adapter*: the "
                + "library's adapter on another instance of the same client; *unsigned*: the client alone, when "
                + "run (`make bench` leaves those rows out). Budget: each adapter ≤ " + fmt2(ADAPTER_CALL_BUDGET)
                + "× by hand. The ratio's ± is JMH's two half-intervals carried through the division (first "
                + "order); the signing is a small part of a loopback round trip, so it is wide on a loaded machine, "
                + "and the allocation per call, which does not depend on the load, is the steadier sign.");
        line();
        line("| HTTP client, adapter | by hand µs/op | adapter µs/op | × by hand | verdict | allocated/op by hand "
                + "| adapter | unsigned µs/op |");
        line("|---|---:|---:|---:|---|---:|---:|---:|");
        for (String[] adapter : ADAPTERS) {
            Optional<JsonNode> hand = find("AdapterSigningBenchmark." + adapter[0] + "Hand", null);
            Optional<JsonNode> signed = find("AdapterSigningBenchmark." + adapter[0] + "Adapter", null);
            Optional<JsonNode> unsigned = find("AdapterSigningBenchmark." + adapter[0] + "Unsigned", null);
            if (hand.isEmpty() || signed.isEmpty()) {
                line("| " + adapter[1] + " | not run | | | | | | |");
                continue;
            }
            double r = micros(signed.get()) / micros(hand.get());
            double e = ratioError(signed.get(), hand.get());
            line("| " + adapter[1]
                    + " | " + fmt(micros(hand.get())) + plusMinus(error(hand.get()))
                    + " | " + fmt(micros(signed.get())) + plusMinus(error(signed.get()))
                    + " | " + ratio(r) + plusMinus(e)
                    + " | " + verdict(r, ADAPTER_CALL_BUDGET) + spans(r, e, ADAPTER_CALL_BUDGET)
                    + " | " + bytes(alloc(hand.get()))
                    + " | " + bytes(alloc(signed.get()))
                    + " | "
                    + unsigned.map(u -> fmt(micros(u)) + plusMinus(error(u))).orElse("not run")
                    + " |");
        }
        line();
    }

    private void libraryPerCall() {
        line("## The library per call");
        line();
        if (callCost.isEmpty()) {
            line("Not run: no `CallCost` results (`call-cost.json`) in this run.");
            line();
            return;
        }
        JsonNode first = callCost.get(0);
        String flags = first.path("jvmArgs").asText();
        line("`CallCost`: the library's CPU time and heap allocation per call against the User Guide's hand-signed "
                + "call on the same HTTP client, each on its own instance of it, in one JVM per launch set up as "
                + "Lambda runs a function on demand (`" + (flags.isBlank() ? "the JVM's defaults" : flags) + "`). "
                + "*hand*: the hand-written peer's code (`AwsV4HttpSigner`, `PAYLOAD_SIGNING_ENABLED=false`, "
                + "`DefaultCredentialsProvider`); *library*: the `create()` handler's (`LatticeClient.send`, "
                + "`ensureSuccess().body()`). Both POST the same event to a `LocalLattice` in the benchmark JVM, "
                + "which verifies each signature, so the server's work is in neither figure. Per launch "
                + first.path("warm").asInt() + " warm-up calls each way, then "
                + first.path("blocks").asInt()
                + " pairs of blocks of " + first.path("calls").asInt() + " calls, alternating the two ways; CPU "
                + "time of all the JVM's threads (`schedstat`) and bytes allocated around each block. The ratio is "
                + "taken block pair by block pair; medians over the block pairs of "
                + (first.path("launches").asInt() == 1
                        ? "1 launch"
                        : first.path("launches").asInt() + " launches")
                + " per HTTP client, p25–p75 in brackets.");
        line();
        line("Budget: the library per call ≤ " + fmt1(LIBRARY_CALL_BUDGET) + "× the hand-signed way on the same "
                + "HTTP client.");
        line();
        line("| HTTP client | launches × block pairs | hand CPU µs/call | library CPU µs/call | × hand (p25–p75) "
                + "| verdict | hand allocated/call | library allocated/call |");
        line("|---|---:|---:|---:|---:|---|---:|---:|");
        for (JsonNode c : callCost) {
            double r = c.path("cpuRatio").asDouble();
            double p25 = c.path("cpuRatioP25").asDouble();
            double p75 = c.path("cpuRatioP75").asDouble();
            line("| `" + httpClient(c.path("client").asText()) + "`"
                    + " | " + c.path("launches").asInt() + " × "
                    + c.path("pairs").asInt() / Math.max(1, c.path("launches").asInt())
                    + " | " + fmt(c.path("handCpuUs").asDouble())
                    + " | " + fmt(c.path("libraryCpuUs").asDouble())
                    + " | " + ratio(r) + " (" + fmt2(p25) + "–" + fmt2(p75) + ")"
                    + " | " + verdict(r, LIBRARY_CALL_BUDGET)
                    + (p25 <= LIBRARY_CALL_BUDGET && LIBRARY_CALL_BUDGET <= p75 ? "; p25–p75 spans the budget" : "")
                    + " | " + bytes(c.path("handAllocatedBytes").asDouble(Double.NaN))
                    + " | " + bytes(c.path("libraryAllocatedBytes").asDouble(Double.NaN))
                    + " |");
        }
        line();
    }

    /** The SDK class of a {@link CallCost} client name. */
    private static String httpClient(String name) {
        return switch (name) {
            case "crt" -> "AwsCrtHttpClient";
            case "apache5" -> "Apache5HttpClient";
            case "netty" -> "NettyNioAsyncHttpClient";
            default -> name;
        };
    }

    /** The half-interval of a / b from those of a and b, to first order. */
    private static double ratioError(JsonNode a, JsonNode b) {
        double r = micros(a) / micros(b);
        double ea = error(a) / a.path("primaryMetric").path("score").asDouble();
        double eb = error(b) / b.path("primaryMetric").path("score").asDouble();
        return r * Math.sqrt(ea * ea + eb * eb);
    }

    private static String plusMinus(double error) {
        return Double.isNaN(error) ? "" : " ± " + fmt(error);
    }

    private static String spans(double measured, double error, double budget) {
        return !Double.isNaN(error) && Math.abs(measured - budget) <= error ? "; the budget is inside the ±" : "";
    }

    private void reproduce() {
        line("## How to reproduce");
        line();
        line("```");
        line("make bench            # or: scripts/bench");
        line("BENCH_RUNS=20 scripts/bench                      # more cold-start launches per function (default 10)");
        line("BENCH_WARM=20 scripts/bench                      # fewer warm calls per launch (default 100)");
        line("BENCH_KINDS=client,peer-crt scripts/bench        # only these cold-start kinds, besides the floors");
        line("BENCH_JMH_ARGS='-f 2 -wi 5 -i 10' scripts/bench  # another JMH configuration (' ' for every row)");
        line("BENCH_CALL_COST=4 scripts/bench                  # more CallCost launches per HTTP client (0: none)");
        line("BENCH_SKIP_BUILD=1 scripts/bench                 # reuse the last build");
        line(
                "BENCH_REPORT_ONLY=1 scripts/bench                # this file again from the last run (after editing FINDINGS.md)");
        line("```");
        line(
                "It builds the modules, the two SAM artifacts (`make build-ServiceFunction / build-ClientFunction`) and the "
                        + "peer's and the `create()` handler's artifacts laid out the same way, with the JDK 21+ of the build's toolchains file, runs JMH with `-prof gc`, then "
                        + "the cold starts (training the java25 runtime client's AOT caches into "
                        + "`benchmarks/target/bench/work/aot/` during the discarded first round), then `CallCost` on "
                        + "`AwsCrtHttpClient` and `Apache5HttpClient`, and writes this file. Raw "
                        + "results stay in `benchmarks/target/bench/` (`jmh.json`, `cold-start.json`, `call-cost.json`, "
                        + "logs). Numbers from a "
                        + "loaded machine are noisy: check the load average above. Run one benchmark with e.g. "
                        + "`java -cp \"benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)\" "
                        + "org.openjdk.jmh.Main HttpClientBenchmark -prof gc`.");
    }

    private Optional<JsonNode> find(String benchmark, String eventBytes) {
        for (JsonNode r : jmh) {
            if (r.path("benchmark").asText().equals(PACKAGE + benchmark)
                    && (eventBytes == null
                            || eventBytes.equals(
                                    r.path("params").path("eventBytes").asText()))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Time per operation in microseconds, whatever the mode. */
    private static double micros(JsonNode r) {
        double score = r.path("primaryMetric").path("score").asDouble();
        String unit = r.path("primaryMetric").path("scoreUnit").asText();
        return switch (unit) {
            case "ops/s" -> 1e6 / score;
            case "us/op" -> score;
            case "ns/op" -> score / 1e3;
            case "ms/op" -> score * 1e3;
            default ->
                throw new IllegalArgumentException("Unexpected JMH unit " + unit + " in "
                        + r.path("benchmark").asText());
        };
    }

    private static double error(JsonNode r) {
        JsonNode e = r.path("primaryMetric").path("scoreError");
        return e.isNumber() ? e.asDouble() : Double.NaN;
    }

    private static double alloc(JsonNode r) {
        return r.path("secondaryMetrics")
                .path("gc.alloc.rate.norm")
                .path("score")
                .asDouble(Double.NaN);
    }

    private JsonNode kind(String name) {
        for (JsonNode k : cold.path("kinds")) {
            if (k.path("kind").asText().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("The cold-start results have no '" + name + "' function");
    }

    private double coldMedian(String name) {
        return Stats.median(doubles(kind(name).path("coldMs")));
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asDouble()));
        return values;
    }

    static String verdict(double measured, double budget) {
        return measured <= budget
                ? "met, " + fmt2(budget - measured) + "× to spare"
                : "**missed** by " + fmt2(measured - budget) + "× ("
                        + String.format(Locale.ROOT, "%.0f", (measured / budget - 1) * 100) + "% over)";
    }

    private static String ratio(double r) {
        return fmt2(r) + "×";
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String bytes(double b) {
        if (Double.isNaN(b) || b < 0) {
            return "n/a";
        }
        if (b >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1024 / 1024);
        }
        if (b >= 1024) {
            return String.format(Locale.ROOT, "%.1f KB", b / 1024);
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    private static String mb(long b) {
        return String.format(Locale.ROOT, "%.2f MB", b / 1024.0 / 1024.0);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void line() {
        md.append('\n');
    }
}
