package dev.vpclattice.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Lays out the compiled test fixtures as a SAM-style artifact directory: classes at the root, no lib/. */
final class FunctionDirectory {
    static final String HANDLER = "dev.vpclattice.local.fixtures.RoutingHandler::handleRequest";

    private FunctionDirectory() {}

    static Path create(Path root) {
        Path classes = Path.of("target", "test-classes");
        Path fixtures = classes.resolve("dev/vpclattice/local/fixtures");
        try (Stream<Path> files = Files.list(fixtures)) {
            for (Path file : files.toList()) {
                Path copy = root.resolve(classes.relativize(file));
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
            Files.createDirectories(root.resolve("lib"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lay out the test function from " + fixtures.toAbsolutePath(), e);
        }
        return root;
    }
}
