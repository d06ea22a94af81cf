package dev.vpclattice.client.testing;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The packaged jar of a module under test, and module graphs resolved from it and the test's jars. */
public final class ModulePath {
    /** Where the AWS SDK's Apache 5 client lies in a Maven repository, which the HTTP client adapters leave out. */
    public static final String APACHE5_CLIENT = "/software/amazon/awssdk/apache5-client/";

    private ModulePath() {}

    /**
     * Finds the jar the build packaged (failsafe runs after package).
     *
     * @param artifactId the module's artifact
     * @return the jar, not the sources, Javadoc or test jar
     */
    public static Path packagedJar(String artifactId) throws Exception {
        Path target = Path.of(System.getProperty("project.build.directory", "target"));
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(artifactId + "-\\d[^-]*(-SNAPSHOT)?\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + artifactId + " jar in " + target.toAbsolutePath()
                            + File.separator + " (failsafe runs after package)"));
        }
    }

    /**
     * Resolves modules as an application's module path would hold them: the jar under test, and for each module that
     * is required (not {@code requires static}), starting from the roots, the jar of the test class path that is that
     * module; jars whose path contains one of the fragments are not there.
     *
     * @param jar the jar under test
     * @param roots the modules the application requires
     * @param leftOut path fragments of jars the application does not have
     * @return the resolved graph
     * @throws java.lang.module.ResolutionException if a required module is missing
     */
    public static Configuration resolve(Path jar, Set<String> roots, String... leftOut) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Map<String, Path> jars = new HashMap<>();
        Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .filter(entry -> Arrays.stream(leftOut).noneMatch(entry.replace('\\', '/')::contains))
                .map(Path::of)
                .forEach(entry -> {
                    try {
                        ModuleFinder.of(entry)
                                .findAll()
                                .forEach(module ->
                                        jars.putIfAbsent(module.descriptor().name(), entry));
                    } catch (FindException e) {
                        // Not usable as a module (a name that is no Java identifier): no required module is it.
                    }
                });
        ModuleFinder.of(jar)
                .findAll()
                .forEach(module -> jars.put(module.descriptor().name(), jar));
        Set<Path> modulePath = new LinkedHashSet<>();
        Deque<String> required = new ArrayDeque<>(roots);
        Set<String> seen = new HashSet<>();
        while (!required.isEmpty()) {
            String name = required.pop();
            Path found = jars.get(name);
            if (!seen.add(name) || found == null) {
                continue;
            }
            modulePath.add(found);
            ModuleFinder.of(found).find(name).orElseThrow().descriptor().requires().stream()
                    .filter(requires -> !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .forEach(requires -> required.push(requires.name()));
        }
        return ModuleLayer.boot()
                .configuration()
                .resolve(ModuleFinder.of(modulePath.toArray(Path[]::new)), ModuleFinder.of(), roots);
    }
}
