package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The packaged jar is the named module dev.vpclattice.client, and it does not export its internal package. */
class ModuleDescriptorIT {

    @Test
    void theJar_exportsOnlyThePublicPackage() throws Exception {
        Path target = Path.of(System.getProperty("project.build.directory", "target"));
        Path jar;
        try (var files = Files.list(target)) {
            jar = files.filter(p -> p.getFileName().toString().matches("lattice-client-sdk-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-sources.jar")
                            && !p.getFileName().toString().endsWith("-javadoc.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no lattice-client-sdk jar in " + target.toAbsolutePath()
                            + File.separator + " (failsafe runs after package)"));
        }
        ModuleReference module = ModuleFinder.of(jar).findAll().iterator().next();
        ModuleDescriptor descriptor = module.descriptor();

        assertEquals("dev.vpclattice.client", descriptor.name());
        assertTrue(!descriptor.isAutomatic(), "a module-info, not an automatic module");
        Set<String> exported = descriptor.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertEquals(Set.of("dev.vpclattice.client"), exported);
        assertTrue(descriptor.packages().contains("dev.vpclattice.client.internal"));
        assertTrue(descriptor.opens().isEmpty());
    }
}
