package dev.vpclattice.benchmarks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Lays out SAM-style artifact directories (classes under {@code lib/*.jar}) for cold-start runs. */
public final class Artifacts {
    private Artifacts() {}

    /**
     * Creates {@code directory/lib/jarName} holding the given classes' class files, replacing what was there.
     *
     * @param directory the artifact directory to (re)create
     * @param jarName the jar's file name
     * @param classes top-level classes without nested classes, loaded from class files or jars on this class path
     * @return the artifact directory
     * @throws UncheckedIOException if writing fails
     */
    public static Path jarOfClasses(Path directory, String jarName, Class<?>... classes) {
        try {
            Path lib = Files.createDirectories(directory.resolve("lib"));
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(lib.resolve(jarName)))) {
                for (Class<?> c : classes) {
                    String entry = c.getName().replace('.', '/') + ".class";
                    try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                        if (in == null) {
                            throw new IllegalStateException("No class file for " + c.getName());
                        }
                        jar.putNextEntry(new JarEntry(entry));
                        in.transferTo(jar);
                        jar.closeEntry();
                    }
                }
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the artifact " + directory, e);
        }
    }

    /**
     * Copies into {@code lib} the jars that hold the given classes on this class path.
     *
     * @param lib the target directory, created if needed
     * @param classes one class of each jar to copy
     * @throws IllegalStateException if a class does not come from a jar
     * @throws UncheckedIOException if copying fails
     */
    public static void copyJarsOf(Path lib, Class<?>... classes) {
        try {
            Files.createDirectories(lib);
            for (Class<?> c : classes) {
                Path jar = Path.of(
                        c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(c.getName() + " is not loaded from a jar but from " + jar);
                }
                Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy jars into " + lib, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("A code source is not a file path: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the total size of the regular files under a directory.
     *
     * @param directory the directory
     * @return the bytes
     * @throws UncheckedIOException if listing fails
     */
    public static long size(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not size " + directory, e);
        }
    }
}
