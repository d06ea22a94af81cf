package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code lattice-local serve} child process: its standard error is kept as it comes, and the two lines it announces
 * itself with, including its URL, are read before {@link #start} returns.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("https://127\\.0\\.0\\.1:\\d+");

    final Process process;
    final StringBuffer stderr = new StringBuffer();
    final String announced;
    final String url;

    private ServeProcess(ProcessBuilder builder) throws Exception {
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        process = builder.start();
        Thread drain = new Thread(() -> {
            try (BufferedReader err =
                    new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                err.lines().forEach(line -> stderr.append(line).append('\n'));
            } catch (IOException e) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        announced = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine() + "\n" + out.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .get(90, TimeUnit.SECONDS);
        assertNotNull(announced, "serve printed nothing; stderr: " + stderr);
        Matcher found = URL.matcher(announced);
        assertTrue(found.find(), announced + "\n" + stderr);
        url = found.group();
    }

    /**
     * Starts serve, with no {@code AWS_*} variable of this JVM's environment, and waits up to 90 s for its URL.
     *
     * @param builder the command line, {@code java -jar lattice-local.jar serve ...}
     * @return the running process
     * @throws Exception if it does not start or announce a URL
     */
    static ServeProcess start(ProcessBuilder builder) throws Exception {
        return new ServeProcess(builder);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
