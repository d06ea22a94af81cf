package dev.vpclattice.lambda.local.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads how much CPU a runtime process has used, and how many classes it has loaded, at a moment when it waits on
 * the Runtime API (so the figures are stable while they are read). Linux only: elsewhere every figure is unknown.
 *
 * <p>Two CPU sources, because neither is both complete and fine-grained: {@code /proc/PID/stat} (utime + stime) covers
 * every thread the process ever had, in clock ticks of 10 ms; {@code /proc/PID/task/TID/schedstat} counts each live
 * thread's time on CPU in nanoseconds, but forgets a thread when it ends. Whole phases from launch (init, launch to
 * first response) use the first; one invocation, during which threads rarely end, uses the difference of the second.
 */
public final class ProcessMeter {
    /** USER_HZ, the unit of {@code /proc/PID/stat}'s times: 100 on every Linux architecture the JDK runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessMeter() {}

    /**
     * What was read at one moment.
     *
     * @param processCpuNanos user + system time of all the process's threads so far (10 ms resolution), or -1
     * @param threadCpuNanos time on CPU of each live thread, by thread id (nanoseconds); empty when unknown
     * @param classesLoaded lines in the class-load log so far, or -1 when there is none
     */
    public record Sample(long processCpuNanos, Map<Long, Long> threadCpuNanos, int classesLoaded) {
        /** Nothing known. */
        public static final Sample UNKNOWN = new Sample(-1, Map.of(), -1);

        /**
         * Returns the CPU time the process's threads used between an earlier sample and this one, from the per-thread
         * counters: threads that started since count in full, threads that ended since are missing.
         *
         * @param earlier the earlier sample
         * @return nanoseconds, or -1 when either sample has no per-thread counters
         */
        public long threadCpuNanosSince(Sample earlier) {
            if (threadCpuNanos.isEmpty() || earlier.threadCpuNanos.isEmpty()) {
                return -1;
            }
            long sum = 0;
            for (Map.Entry<Long, Long> thread : threadCpuNanos.entrySet()) {
                long before = earlier.threadCpuNanos.getOrDefault(thread.getKey(), 0L);
                sum += Math.max(0, thread.getValue() - before);
            }
            return sum;
        }
    }

    /**
     * Reads the process's figures now.
     *
     * @param pid the process
     * @param classLoadLog the file its {@code -Xlog:class+load} writes one line per class to, or null
     * @return the sample; figures that cannot be read are unknown
     */
    public static Sample sample(long pid, Path classLoadLog) {
        return new Sample(processCpuNanos(pid), threadCpuNanos(pid), classLoadLog == null ? -1 : lines(classLoadLog));
    }

    private static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name, in parentheses, may contain spaces: fields are counted after its closing one.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of proc(5), utime and stime, are the 12th and 13th after the name.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Map<Long, Long> threadCpuNanos(long pid) {
        Map<Long, Long> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String schedstat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII);
                    threads.put(
                            Long.parseLong(task.getFileName().toString()),
                            Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                } catch (IOException | RuntimeException e) {
                    // The thread ended while the directory was read.
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    /** Unified logging flushes every line, so the file is complete while the process waits. */
    private static int lines(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            int count = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            return -1;
        }
    }
}
