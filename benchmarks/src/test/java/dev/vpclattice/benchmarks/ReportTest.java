package dev.vpclattice.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void missingResults_eachSectionSaysItWasNotRun() throws IOException {
        String report = report(dir.resolve("absent-jmh.json"), dir.resolve("absent-cold.json"), "absent.json");

        assertContains(report, "Not run: no cold-start results (`cold-start.json`) in this run.");
        assertContains(report, "Not run: no `CallCost` results (`call-cost.json`) in this run.");
        assertContains(report, "Not run: no JMH results (`jmh.json`) in this run.");
        assertContains(report, "| cold-start run | not run |");
    }

    @Test
    void callCost_verdictFollowsTheMeasuredRatio() throws IOException {
        Files.writeString(
                dir.resolve("call-cost.json"),
                line("crt", 0.95, 0.90, 0.99) + "\n" + line("apache5", 1.10, 0.98, 1.20) + "\n");

        String report = report(dir.resolve("absent-jmh.json"), dir.resolve("absent-cold.json"), "call-cost.json");

        assertContains(report, "Budget: the library per call ≤ 1.0× the hand-signed way on the same HTTP client.");
        assertContains(report, "`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`");
        assertContains(report, "| `AwsCrtHttpClient` | 2 × 20 | 300 | 285 | 0.95× (0.90–0.99) | met, 0.05× to spare |");
        assertContains(
                report,
                "| `Apache5HttpClient` | 2 × 20 | 300 | 285 | 1.10× (0.98–1.20) | **missed** by 0.10× (10% over); "
                        + "p25–p75 spans the budget |");
    }

    @Test
    void adapterRows_areComparedWithTheSameClientSigningByHand() throws IOException {
        Files.writeString(
                dir.resolve("jmh.json"),
                "[" + jmhRow("AdapterSigningBenchmark.okHand", 100, 10) + ","
                        + jmhRow("AdapterSigningBenchmark.okAdapter", 103, 10) + ","
                        + jmhRow("SigningBenchmark.sdkSignerDirect", 5, 1) + "]");

        String report = report(dir.resolve("jmh.json"), dir.resolve("absent-cold.json"), "absent.json");

        assertContains(
                report,
                "| OkHttp, `LatticeOkHttpInterceptor` (network interceptor) | 100 ± 10.0 | 103 ± 10.0 "
                        + "| 1.03× ± 0.14 | met, 0.02× to spare; the budget is inside the ± |");
        assertContains(report, "| Apache HttpClient 5, `LatticeApache5Interceptor` | not run |");
        assertContains(report, "Not run: no `EchoBenchmark` rows in this run's JMH results.");
        assertContains(report, "the highest, `okAdapter` | 1.03× ± 0.14 |");
    }

    private String report(Path jmh, Path cold, String callCost) throws IOException {
        Path out = dir.resolve("report.md");
        Report.main(new String[] {
            "--jmh", jmh.toString(),
            "--cold", cold.toString(),
            "--call-cost", dir.resolve(callCost).toString(),
            "--out", out.toString()
        });
        return Files.readString(out);
    }

    private static String line(String client, double ratio, double p25, double p75) {
        return "{\"client\":\"" + client + "\",\"jvmArgs\":\"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\","
                + "\"launches\":2,\"warm\":1000,\"blocks\":20,\"calls\":100,\"pairs\":40,\"handCpuUs\":300,"
                + "\"libraryCpuUs\":285,\"cpuRatio\":" + ratio + ",\"cpuRatioP25\":" + p25 + ",\"cpuRatioP75\":" + p75
                + ",\"handAllocatedBytes\":61440,\"libraryAllocatedBytes\":53248}";
    }

    private static String jmhRow(String benchmark, double score, double error) {
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.vpclattice.benchmarks." + benchmark + "\","
                + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + error + ",\"scoreUnit\":\"us/op\"},"
                + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":75000}}}";
    }

    private static void assertContains(String report, String expected) {
        assertTrue(report.contains(expected), () -> "Expected\n" + expected + "\nin\n" + report);
    }
}
