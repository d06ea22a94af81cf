package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional tracers cost nothing when absent or switched off: child JVMs send a call with the X-Ray recorder and
 * the OpenTelemetry API really left off the class path (or present and switched off), and the JVM's own class-loading
 * log ({@code -Xlog:class+load}) shows that nothing of theirs, and none of the library's observer classes, was
 * loaded.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TracingClassPathIT {
    private static final String XRAY_JARS = "/com/amazonaws/aws-xray-recorder-sdk";
    private static final String OPENTELEMETRY_JARS = "/io/opentelemetry/";
    private static final String XRAY_CLASSES = " com.amazonaws.xray.";
    private static final String OPENTELEMETRY_CLASSES = " io.opentelemetry.";
    private static final List<String> OBSERVER_CLASSES = List.of(
            " dev.vpclattice.client.internal.observe.XRayObserver",
            " dev.vpclattice.client.internal.observe.OpenTelemetryObserver",
            " dev.vpclattice.client.internal.observe.WireLogObserver",
            " dev.vpclattice.client.internal.observe.ListenerObserver",
            " dev.vpclattice.client.internal.observe.TraceHeaders");

    @TempDir
    Path dir;

    private static List<String> testClassPath() {
        // Failsafe may hand the forked JVM a manifest-only jar as java.class.path; it publishes the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(classPath.split(File.pathSeparator));
    }

    /** Runs the probe without the class path entries containing any of {@code leaveOut}; returns the loaded classes. */
    private List<String> loadedClasses(List<String> leaveOut, String... switches)
            throws IOException, InterruptedException {
        List<String> full = testClassPath();
        for (String jar : leaveOut) {
            assertTrue(
                    full.stream().anyMatch(e -> e.replace('\\', '/').contains(jar)),
                    "the test class path should contain " + jar + " so that leaving it out means something");
        }
        List<String> kept = full.stream()
                .filter(e ->
                        leaveOut.stream().noneMatch(jar -> e.replace('\\', '/').contains(jar)))
                .toList();
        Path classLog = dir.resolve("classes-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog,
                "-Dslf4j.provider=org.slf4j.jul.JULServiceProvider",
                "-cp",
                String.join(File.pathSeparator, kept),
                ClientProbeMain.class.getName()));
        command.addAll(Arrays.asList(switches));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("ANSWERED 200"), output);
        List<String> loaded = Files.readAllLines(classLog);
        assertTrue(
                loaded.stream().anyMatch(l -> l.contains(" dev.vpclattice.client.internal.observe.CompositeObserver ")),
                "the class-loading log should show the library's classes: " + loaded.size() + " lines");
        return loaded;
    }

    private static void assertNoneLoaded(List<String> loaded, String prefix) {
        List<String> found = loaded.stream().filter(l -> l.contains(prefix)).toList();
        assertTrue(found.isEmpty(), "loaded although not wanted: " + found);
    }

    @Test
    void withNeitherOnTheClassPath_aCallLoadsNothingOfThem_norAnyObserver() throws Exception {
        List<String> loaded = loadedClasses(List.of(XRAY_JARS, OPENTELEMETRY_JARS));
        assertNoneLoaded(loaded, XRAY_CLASSES);
        assertNoneLoaded(loaded, OPENTELEMETRY_CLASSES);
        OBSERVER_CLASSES.forEach(observer -> assertNoneLoaded(loaded, observer));
    }

    @Test
    void withBothOnTheClassPath_andTracingOff_aCallLoadsNothingOfThem() throws Exception {
        List<String> loaded = loadedClasses(List.of(), "tracing=false");
        assertNoneLoaded(loaded, XRAY_CLASSES);
        assertNoneLoaded(loaded, OPENTELEMETRY_CLASSES);
        OBSERVER_CLASSES.forEach(observer -> assertNoneLoaded(loaded, observer));
    }

    @Test
    void eachTracer_canBeSwitchedOffAlone() throws Exception {
        List<String> withoutXRay = loadedClasses(List.of(), "xRayTracing=false");
        assertNoneLoaded(withoutXRay, XRAY_CLASSES);
        assertTrue(
                withoutXRay.stream().anyMatch(l -> l.contains(" io.opentelemetry.api.GlobalOpenTelemetry ")),
                "the control: OpenTelemetry is looked for when it is on");

        List<String> withoutOpenTelemetry = loadedClasses(List.of(), "openTelemetryTracing=false");
        assertNoneLoaded(withoutOpenTelemetry, OPENTELEMETRY_CLASSES);
        assertTrue(
                withoutOpenTelemetry.stream().anyMatch(l -> l.contains(" com.amazonaws.xray.AWSXRay ")),
                "the control: X-Ray is looked for when it is on");
    }
}
