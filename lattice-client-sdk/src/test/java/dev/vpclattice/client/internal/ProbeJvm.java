package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe's {@code main} in a child JVM on the test class path, optionally without the entries of one jar, so an
 * optional dependency is proven missing for real rather than by a faked class-presence check.
 */
final class ProbeJvm {
    private ProbeJvm() {}

    /**
     * Runs the probe and returns the first line of its output that starts with one of {@code resultPrefixes}.
     *
     * @param main the probe's class
     * @param leaveOut a path fragment such as {@code /software/amazon/awssdk/vpclattice/}; entries containing it are
     *     left out of the class path (the test asserts there is one), or {@code null} to keep them all
     * @param args the probe's arguments
     * @param resultPrefixes what a result line starts with
     * @return the result line
     */
    static String run(Class<?> main, String leaveOut, List<String> args, String... resultPrefixes) throws Exception {
        // Failsafe may hand the forked JVM a manifest-only jar as java.class.path; it publishes the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> full = Arrays.asList(classPath.split(File.pathSeparator));
        List<String> kept = full;
        if (leaveOut != null) {
            assertTrue(
                    full.stream().anyMatch(e -> e.replace('\\', '/').contains(leaveOut)),
                    "the test class path should contain " + leaveOut + " so that leaving it out means something: "
                            + full);
            kept = full.stream()
                    .filter(e -> !e.replace('\\', '/').contains(leaveOut))
                    .toList();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, kept),
                main.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines()
                .filter(l -> Arrays.stream(resultPrefixes).anyMatch(l::startsWith))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no probe result in: " + output));
    }
}
