package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The async client's optional dependency on {@code netty-nio-client}, proven in child JVMs whose class path really
 * lacks the jars: the sync client does not need them, and the async client's {@code build()} names what to add.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AsyncClientClassPathIT {
    private static final String NETTY_NIO_CLIENT = "/software/amazon/awssdk/netty-nio-client/";
    private static final String NETTY = "/io/netty/";

    private static List<String> testClassPath() {
        // Failsafe may hand the forked JVM a manifest-only jar as java.class.path; it publishes the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(classPath.split(File.pathSeparator));
    }

    private static List<String> runProbe(String... leaveOut) throws IOException, InterruptedException {
        List<String> kept = testClassPath();
        for (String part : leaveOut) {
            assertTrue(
                    kept.stream().anyMatch(e -> e.replace('\\', '/').contains(part)),
                    "the test class path should contain " + part + " so that leaving it out means something");
            kept = kept.stream()
                    .filter(e -> !e.replace('\\', '/').contains(part))
                    .toList();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java, "-cp", String.join(File.pathSeparator, kept), AsyncClientProbeMain.class.getName())
                .redirectErrorStream(true)
                .start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines()
                .filter(l -> l.startsWith("SYNC ") || l.startsWith("ASYNC "))
                .toList();
    }

    @Test
    void withoutNetty_theSyncClientBuilds_andTheAsyncBuilderNamesTheArtifactToAdd() throws Exception {
        List<String> result = runProbe(NETTY_NIO_CLIENT, NETTY);
        assertEquals("SYNC BUILT", result.get(0));
        assertEquals(
                "ASYNC REFUSED java.lang.IllegalStateException: LatticeAsyncClient needs an async HTTP client:"
                        + " add software.amazon.awssdk:netty-nio-client (its default, version managed by lattice-bom or the"
                        + " AWS SDK BOM) to your dependencies, or pass one with httpClient(...) or httpClientBuilder(...)",
                result.get(1));
    }

    @Test
    void withNetty_theAsyncClientBuilds() throws Exception {
        // The control: the same probe builds both clients when nothing is left out.
        assertEquals(List.of("SYNC BUILT", "ASYNC BUILT"), runProbe());
    }
}
