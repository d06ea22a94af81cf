package dev.vpclattice.local.junit;

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
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project that depends on this module, with an in-JVM or an HTTP target, needs no Lambda runtime interface client,
 * no {@code aws-lambda-java-serialization} and no BouncyCastle: the class path Maven resolves for such a project has
 * none of them, and on exactly that class path (plus JUnit and a signing HTTP client, as a test has) a child JVM runs
 * both targets through the extension; a function directory there fails at the class's start, naming the artifact to
 * add.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionClassPathIT {
    /** Written by the build (maven-dependency-plugin): this module's runtime dependencies, as a consumer gets them. */
    private static final Path CONSUMER_CLASS_PATH = Path.of("target", "consumer-class-path.txt");

    /** What a test project adds beside this module: JUnit, its test kit, and a signing HTTP client. */
    private static final List<String> TEST_TOOLS = List.of(
            "/org/junit/",
            "/org/opentest4j/",
            "/org/apiguardian/",
            "/org/assertj/",
            "/net/bytebuddy/",
            "/software/amazon/awssdk/apache5-client/",
            "/org/apache/httpcomponents/");

    /** Where the left-out artifacts live in a Maven repository. */
    private static final List<String> LEFT_OUT = List.of(
            "/com/amazonaws/aws-lambda-java-runtime-interface-client/",
            "/com/amazonaws/aws-lambda-java-serialization/",
            "/org/bouncycastle/");

    @Test
    void inJvmAndHttpTargets_runWithoutTheRuntimeClientOrBouncyCastle_aFunctionNamesWhatToAdd(@TempDir Path copies)
            throws Exception {
        List<String> consumer =
                Arrays.asList(Files.readString(CONSUMER_CLASS_PATH).strip().split(File.pathSeparator));
        for (String entry : consumer) {
            assertTrue(
                    LEFT_OUT.stream().noneMatch(normalized(entry)::contains),
                    entry + " is on the class path Maven resolves for a project that uses this module");
        }

        List<String> classPath = new ArrayList<>();
        for (String entry : consumer) {
            classPath.add(withoutManifestClassPath(Path.of(entry), copies).toString());
        }
        // Failsafe may hand the forked JVM a manifest-only jar as java.class.path; it publishes the real one here.
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path build = Path.of("target").toAbsolutePath();
        for (String entry : testClassPath.split(File.pathSeparator)) {
            if (Path.of(entry).toAbsolutePath().startsWith(build)
                    || TEST_TOOLS.stream().anyMatch(normalized(entry)::contains)) {
                classPath.add(entry);
            }
        }

        String result = run(classPath);

        assertEquals(
                "RESULT visible=[] | inJvm=1 passed | http=1 passed | function=IllegalStateException: A function"
                        + " directory runs in the Lambda Java runtime interface client, which is not on the class"
                        + " path: missing [com.amazonaws:aws-lambda-java-runtime-interface-client,"
                        + " com.amazonaws:aws-lambda-java-core, com.amazonaws:aws-lambda-java-serialization,"
                        + " software.amazon.awssdk:utils-lite]. Add the dependency"
                        + " com.amazonaws:aws-lambda-java-runtime-interface-client (test scope is enough; it brings"
                        + " the others), or pass the jars to LocalLambda.Builder.runtimeClasspath(...).",
                result);
    }

    private static String normalized(String entry) {
        return entry.replace('\\', '/');
    }

    /**
     * The reactor's lattice-local.jar names {@code lib/*.jar} in its manifest for the command line, and its
     * {@code target/lib/} holds the runtime client: a copy of the jar alone, as it sits in a Maven repository, has no
     * {@code lib/} beside it.
     */
    private static Path withoutManifestClassPath(Path entry, Path copies) throws IOException {
        if (!Files.isRegularFile(entry)) {
            return entry;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Class-Path") == null) {
                return entry;
            }
        }
        Path copy = Files.createDirectories(copies.resolve(Integer.toString(entry.hashCode())))
                .resolve(entry.getFileName());
        return Files.copy(entry, copy);
    }

    private static String run(List<String> classPath) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, classPath),
                ConsumerClassPathProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.lines()
                .filter(line -> line.startsWith("RESULT"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no probe result in: " + output));
    }
}
