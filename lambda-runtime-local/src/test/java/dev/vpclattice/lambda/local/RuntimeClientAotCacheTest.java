package dev.vpclattice.lambda.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vpclattice.lambda.local.internal.RuntimeClasspath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's name stands for everything it depends on: a JDK 25 before 25.0.4 would run the classes of a cache whose
 * class-path jar has changed since (JDK-8377932), so a changed jar must never find the old cache.
 */
class RuntimeClientAotCacheTest {
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final List<String> FLAGS = List.of("-XX:MaxHeapSize=435m", "-XX:TieredStopAtLevel=1");

    private static Path nameFor(Path dir, List<Path> classpath, List<String> flags, boolean snapStart) {
        return RuntimeClientAotCache.of(dir, JAVA_HOME, classpath, flags, LambdaRuntime.JAVA25, snapStart, 512)
                .file();
    }

    @Test
    void name_changesWithTheBytesOfARuntimeClientJar(@TempDir Path dir) throws IOException {
        List<Path> classpath = new ArrayList<>();
        for (Path jar : RuntimeClasspath.discover(getClass().getClassLoader())) {
            classpath.add(Files.copy(jar, dir.resolve(jar.getFileName())));
        }
        Path before = nameFor(dir, classpath, FLAGS, false);
        assertEquals(before, nameFor(dir, List.copyOf(classpath), FLAGS, false), "same inputs, same cache");

        // GIVEN the runtime client's jar rebuilt under the same name, with the same size of entries plus one more
        Path ric = classpath.get(0);
        Path rebuilt = dir.resolve("rebuilt.jar");
        try (JarFile in = new JarFile(ric.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(rebuilt))) {
            for (JarEntry entry : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new JarEntry(entry.getName()));
                in.getInputStream(entry).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("changed.txt"));
            out.write("changed".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Files.move(rebuilt, ric, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertNotEquals(before, nameFor(dir, classpath, FLAGS, false));
    }

    @Test
    void name_changesWithTheFlagsAndTheInitializationType(@TempDir Path dir) {
        List<Path> classpath = RuntimeClasspath.discover(getClass().getClassLoader());
        Path base = nameFor(dir, classpath, FLAGS, false);

        assertNotEquals(
                base, nameFor(dir, classpath, List.of("-XX:MaxHeapSize=870m", "-XX:TieredStopAtLevel=1"), false));
        assertNotEquals(base, nameFor(dir, classpath, FLAGS, true));
        assertEquals(dir, base.getParent());
        assertEquals(true, base.getFileName().toString().startsWith("runtime-client-java25-"));
    }

    @Test
    void name_changesWithTheJdk(@TempDir Path dir, @TempDir Path otherJdk) throws IOException {
        List<Path> classpath = RuntimeClasspath.discover(getClass().getClassLoader());
        Files.createDirectories(otherJdk.resolve("lib/server"));
        try (OutputStream out = Files.newOutputStream(otherJdk.resolve("release"))) {
            out.write("JAVA_VERSION=\"25.0.4\"\n".getBytes(StandardCharsets.UTF_8));
        }

        assertNotEquals(
                nameFor(dir, classpath, FLAGS, false),
                RuntimeClientAotCache.of(dir, otherJdk, classpath, FLAGS, LambdaRuntime.JAVA25, false, 512)
                        .file());
    }
}
