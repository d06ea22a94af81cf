package dev.vpclattice.benchmarks;

import dev.vpclattice.benchmarks.internal.Options;
import dev.vpclattice.benchmarks.internal.Stats;
import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalLattice;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Chooses {@link LatticeAsyncClient}'s default HTTP client by measurement: NettyNioAsyncHttpClient against
 * AwsCrtAsyncHttpClient, each under the library. Each launch is a fresh JVM that builds the client, sends one signed
 * POST to a {@link LocalLattice} in this JVM (which verifies the signature), then sends {@code --warm} more over the
 * kept-alive connection and measures {@code --measured} after them. Launches alternate between the two HTTP clients,
 * the order rotated per round, after one discarded warm-up round. Reported per client (medians over the launches,
 * p25-p75): launch to first answer, building the client, the first call, the time and Java heap allocated (all of the
 * child's threads) per warm call, classes loaded and peak RSS. The CRT's native memory is in the RSS, not in the heap
 * figures.
 *
 * <p>A LocalLattice (Jetty) rather than HttpClientBenchmark's JDK {@code HttpsServer}: against the latter the CRT
 * client leaves about one exchange in a few hundred without an answer (in this project's runs), which would turn a
 * measurement into a timeout.
 *
 * <p>Usage: {@code AsyncHttpClientComparison [--runs N] [--warm N] [--measured N] [--jvm-args "..."]}, e.g. with
 * Lambda's java21 flags {@code --jvm-args "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"}.
 */
public final class AsyncHttpClientComparison {
    private static final String[] KINDS = {"netty", "crt"};
    private static final String[] METRICS = {
        "launchToFirstAnswerMs", "buildMs", "firstCallMs", "warmCallUs", "warmCallAllocatedKb", "classes", "peakRssMb"
    };
    private static final String KEY = "AKIAFAKECOMPARISON01";
    private static final String SECRET = "FAKE-SECRET-comparison-0001";

    private AsyncHttpClientComparison() {}

    /**
     * Runs the launches and prints the table.
     *
     * @param args see the class description
     * @throws Exception if a launch fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int runs = Integer.parseInt(options.getOrDefault("runs", "6"));
        String warm = options.getOrDefault("warm", "3000");
        String measured = options.getOrDefault("measured", "2000");
        List<String> jvmArgs =
                options.containsKey("jvm-args") && !options.get("jvm-args").isBlank()
                        ? List.of(options.get("jvm-args").trim().split("\\s+"))
                        : List.of();
        Path work = Files.createTempDirectory("async-http-clients");
        byte[] answer = "{\"ok\":true,\"service\":\"loopback\"}".getBytes(StandardCharsets.UTF_8);
        try (LocalLattice lattice = LocalLattice.builder()
                .credential(KEY, SECRET, null)
                .target(event -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .header("content-type", "application/json")
                        .body(new String(answer, StandardCharsets.UTF_8))
                        .build())
                .build()) {
            Path pem = work.resolve("lattice.pem");
            Path trustStore = work.resolve("lattice.p12");
            lattice.certificate().writePem(pem);
            lattice.certificate().writeTrustStore(trustStore, "comparison".toCharArray());
            Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
            for (String kind : KINDS) {
                results.put(kind, new LinkedHashMap<>());
            }
            for (int round = -1; round < runs; round++) {
                for (int i = 0; i < KINDS.length; i++) {
                    String kind = KINDS[(i + Math.max(round, 0)) % KINDS.length];
                    Map<String, Double> one =
                            launch(kind, lattice.endpoint().toString(), pem, trustStore, warm, measured, jvmArgs);
                    if (round >= 0) {
                        one.forEach((k, v) -> results.get(kind)
                                .computeIfAbsent(k, x -> new ArrayList<>())
                                .add(v));
                    }
                }
            }
            System.out.println("LatticeAsyncClient over each async HTTP client, " + runs + " launches each, "
                    + warm + " warm-up and " + measured + " measured calls per launch"
                    + (jvmArgs.isEmpty() ? "" : ", JVM flags " + String.join(" ", jvmArgs))
                    + "; median (p25-p75)");
            System.out.println("| HTTP client | " + String.join(" | ", METRICS) + " |");
            System.out.println("|---" + "|---:".repeat(METRICS.length) + "|");
            for (String kind : KINDS) {
                StringBuilder row = new StringBuilder(
                        "| " + (kind.equals("netty") ? "NettyNioAsyncHttpClient" : "AwsCrtAsyncHttpClient") + " |");
                for (String metric : METRICS) {
                    List<Double> values = results.get(kind).get(metric);
                    row.append(String.format(
                            Locale.ROOT,
                            " %.1f (%.1f-%.1f) |",
                            Stats.median(values),
                            Stats.quantile(values, 0.25),
                            Stats.quantile(values, 0.75)));
                }
                System.out.println(row);
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static Map<String, Double> launch(
            String kind, String url, Path pem, Path trustStore, String warm, String measured, List<String> jvmArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        // The CRT takes trust only from these properties; Netty gets the PEM through the library's builder.
        command.add("-Djavax.net.ssl.trustStore=" + trustStore);
        command.add("-Djavax.net.ssl.trustStorePassword=comparison");
        command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        command.add("-Daws.accessKeyId=" + KEY);
        command.add("-Daws.secretAccessKey=" + SECRET);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        command.addAll(List.of(kind, url, pem.toString(), warm, measured));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> values = new LinkedHashMap<>();
        StringBuilder output = new StringBuilder();
        try (InputStream in = process.getInputStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                output.append(line).append('\n');
                if (line.startsWith("METRIC ")) {
                    String[] parts = line.split(" ");
                    values.put(parts[1], Double.parseDouble(parts[2]));
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0 || values.size() != METRICS.length) {
            throw new IllegalStateException("The " + kind + " launch failed:\n" + output);
        }
        // The child reports when it had its first answer on the machine's monotonic clock, which it shares with
        // this JVM on Linux; the launch is measured from here.
        values.put("launchToFirstAnswerMs", values.get("launchToFirstAnswerMs") - start / 1e6);
        return values;
    }

    /** One launch: build the client, send the first POST, then the warm ones; print the measurements. */
    public static final class Child {
        private Child() {}

        /**
         * Entry point.
         *
         * @param args the HTTP client ({@code netty} or {@code crt}), the URL, the server's PEM certificate, the
         *     number of warm-up calls, the number of measured calls
         * @throws Exception if a call fails
         */
        public static void main(String[] args) throws Exception {
            long t0 = System.nanoTime();
            LatticeAsyncClient.Builder builder = LatticeAsyncClient.builder().region(Region.US_EAST_1);
            if (args[0].equals("netty")) {
                builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()).trustedCertificates(Path.of(args[2]));
            } else {
                builder.httpClientBuilder(AwsCrtAsyncHttpClient.builder().useTrustStoreSystemProperties(true));
            }
            LatticeRequest request = LatticeRequest.builder()
                    .method("POST")
                    .url(args[1])
                    .path("/orders")
                    .header("content-type", "application/json")
                    .body("{\"hello\":\"lattice\"}".getBytes(StandardCharsets.UTF_8))
                    .build();
            try (LatticeAsyncClient client = builder.build()) {
                long t1 = System.nanoTime();
                call(client, request);
                long t2 = System.nanoTime();
                System.out.println("METRIC launchToFirstAnswerMs " + t2 / 1e6);
                System.out.println("METRIC buildMs " + (t1 - t0) / 1e6);
                System.out.println("METRIC firstCallMs " + (t2 - t1) / 1e6);
                System.out.println("METRIC classes "
                        + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
                for (int i = Integer.parseInt(args[3]); i > 0; i--) {
                    call(client, request);
                }
                int measured = Integer.parseInt(args[4]);
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long allocatedBefore = threads.getTotalThreadAllocatedBytes();
                long start = System.nanoTime();
                for (int i = 0; i < measured; i++) {
                    call(client, request);
                }
                long elapsed = System.nanoTime() - start;
                long allocated = threads.getTotalThreadAllocatedBytes() - allocatedBefore;
                System.out.println("METRIC warmCallUs " + elapsed / 1e3 / measured);
                System.out.println("METRIC warmCallAllocatedKb " + allocated / 1024.0 / measured);
                System.out.println("METRIC peakRssMb " + peakRssMb());
            }
        }

        private static void call(LatticeAsyncClient client, LatticeRequest request) {
            LatticeResponse response = client.send(request).join();
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "LocalLattice answered " + response.statusCode() + ": " + response.bodyAsString());
            }
        }

        private static double peakRssMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
            return Double.NaN;
        }
    }
}
