package dev.vpclattice.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java heap of a running JVM as {@code jcmd PID GC.heap_info} prints it (the serial collector's young and old
 * generations, and the metaspace).
 *
 * @param usedBytes the heap in use: both generations' {@code used}, or -1 if it could not be read
 * @param metaspaceBytes the metaspace in use, or -1
 */
public record HeapInfo(long usedBytes, long metaspaceBytes) {
    /** JDK 21 prints "def new generation" and "tenured generation"; JDK 25 "DefNew" and "Tenured". */
    private static final Pattern GENERATION = Pattern.compile(
            "(?m)^\\s*(def new generation|tenured generation|DefNew" + "|Tenured)\\s+total \\d+K, used (\\d+)K");

    private static final Pattern METASPACE = Pattern.compile("(?m)^\\s*Metaspace\\s+used (\\d+)K");

    /**
     * Reads the heap of a JVM started from this JVM's {@code java.home} (its {@code jcmd} attaches to it).
     *
     * @param pid the process
     * @param afterFullGc whether to run a full GC first ({@code GC.run}), so that only live objects remain
     * @return the heap; -1 values when {@code jcmd} failed
     */
    public static HeapInfo of(long pid, boolean afterFullGc) {
        if (afterFullGc) {
            jcmd(pid, "GC.run");
        }
        return parse(jcmd(pid, "GC.heap_info"));
    }

    /**
     * Parses the output of {@code GC.heap_info}.
     *
     * @param output what jcmd printed
     * @return the heap; -1 values for what it does not show
     */
    public static HeapInfo parse(String output) {
        long used = 0;
        boolean found = false;
        Matcher m = GENERATION.matcher(output);
        while (m.find()) {
            used += Long.parseLong(m.group(2)) * 1024;
            found = true;
        }
        Matcher meta = METASPACE.matcher(output);
        return new HeapInfo(found ? used : -1, meta.find() ? Long.parseLong(meta.group(1)) * 1024 : -1);
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("jcmd " + pid + " " + command + " failed: " + output);
                return "";
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
