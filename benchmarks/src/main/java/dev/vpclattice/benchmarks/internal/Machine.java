package dev.vpclattice.benchmarks.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark report says about the machine, read from {@code /proc} where available. */
public final class Machine {
    private Machine() {}

    /**
     * Returns the CPU model.
     *
     * @return the first {@code model name} of {@code /proc/cpuinfo}, or {@code os.arch} when unreadable
     */
    public static String cpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    /**
     * Returns the total memory.
     *
     * @return {@code MemTotal} of {@code /proc/meminfo} in GiB, formatted, or "unknown"
     */
    public static String memory() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    /**
     * Returns the load averages.
     *
     * @return the 1, 5 and 15 minute load averages of {@code /proc/loadavg}, or "unknown"
     */
    public static String loadAverage() {
        List<String> lines = lines("/proc/loadavg");
        if (lines.isEmpty()) {
            return "unknown";
        }
        String[] parts = lines.get(0).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
