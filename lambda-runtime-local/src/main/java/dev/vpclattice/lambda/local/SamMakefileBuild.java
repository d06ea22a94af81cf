package dev.vpclattice.lambda.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Builds a function's artifact directory the way {@code sam build} does for {@code Metadata: BuildMethod: makefile}:
 * it runs {@code make build-<LogicalId>} in the project root with {@code ARTIFACTS_DIR} set, and the target puts the
 * function's classes or jars there (a shaded jar under {@code lib/}). The result is what {@link LocalLambda} runs.
 */
public final class SamMakefileBuild {
    private SamMakefileBuild() {}

    /**
     * Runs {@code make -C projectRoot build-<logicalId> ARTIFACTS_DIR=artifactsDirectory} and waits for it.
     *
     * @param projectRoot        the directory holding the {@code Makefile} (and {@code template.yaml}); required
     * @param logicalId          the function's logical id in the template, e.g. {@code ServiceFunction}; required
     * @param artifactsDirectory where the artifact is laid out; created by the target if missing; required
     * @param timeout            how long the build may take before it is stopped
     * @return {@code artifactsDirectory}, for chaining into {@link LocalLambda.Builder#functionDirectory(Path)}
     * @throws IllegalStateException when make fails or times out; the message holds the build's output
     */
    public static Path build(Path projectRoot, String logicalId, Path artifactsDirectory, Duration timeout) {
        return build(projectRoot, logicalId, artifactsDirectory, timeout, Map.of());
    }

    /**
     * Runs {@code make -C projectRoot build-<logicalId> ARTIFACTS_DIR=artifactsDirectory NAME=VALUE...} and waits
     * for it: the same build with make variables, as {@code sam build} passes its environment to make.
     *
     * @param projectRoot        the directory holding the {@code Makefile}; required
     * @param logicalId          the function's logical id in the template; required
     * @param artifactsDirectory where the artifact is laid out; required
     * @param timeout            how long the build may take before it is stopped
     * @param variables          make variables, for example {@code LAMBDA_ARCHITECTURE=arm64}; required
     * @return {@code artifactsDirectory}
     * @throws IllegalStateException when make fails or times out; the message holds the build's output
     */
    public static Path build(
            Path projectRoot,
            String logicalId,
            Path artifactsDirectory,
            Duration timeout,
            Map<String, String> variables) {
        Objects.requireNonNull(projectRoot, "projectRoot");
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(artifactsDirectory, "artifactsDirectory");
        String target = "build-" + logicalId;
        try {
            Path log = Files.createTempFile("sam-" + target + "-", ".log");
            try {
                List<String> command = new ArrayList<>(List.of(
                        "make",
                        "-C",
                        projectRoot.toString(),
                        target,
                        "ARTIFACTS_DIR=" + artifactsDirectory.toAbsolutePath()));
                variables.forEach((name, value) -> command.add(name + "=" + value));
                Process make = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!make.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    make.destroyForcibly();
                    throw new IllegalStateException(
                            "make " + target + " did not finish within " + timeout + ":\n" + Files.readString(log));
                }
                if (make.exitValue() != 0) {
                    throw new IllegalStateException("make " + target + " failed with exit code " + make.exitValue()
                            + ":\n" + Files.readString(log));
                }
                return artifactsDirectory;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run make " + target + " in " + projectRoot, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running make " + target, e);
        }
    }
}
