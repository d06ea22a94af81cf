package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.testing.ModulePath;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar is the named module dev.vpclattice.client: it exports its public packages, not its internal ones,
 * and resolves without the AWS SDK's Apache 5 client, which the HTTP client adapters leave out.
 */
class ModuleDescriptorIT {
    private static final String APACHE5_MODULE = "software.amazon.awssdk.http.apache5";

    private static Path jar() throws Exception {
        return ModulePath.packagedJar("lattice-client-sdk");
    }

    @Test
    void theJar_exportsOnlyThePublicPackages() throws Exception {
        ModuleReference module = ModuleFinder.of(jar()).findAll().iterator().next();
        ModuleDescriptor descriptor = module.descriptor();

        assertEquals("dev.vpclattice.client", descriptor.name());
        assertTrue(!descriptor.isAutomatic(), "a module-info, not an automatic module");
        Set<String> exported = descriptor.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertEquals(
                Set.of("dev.vpclattice.client", "dev.vpclattice.client.signing", "dev.vpclattice.client.jdk"),
                exported);
        assertTrue(descriptor.packages().contains("dev.vpclattice.client.internal"));
        assertTrue(descriptor.opens().isEmpty());
    }

    @Test
    void theModuleResolves_withoutTheApache5Client() throws Exception {
        assertTrue(
                ModuleFinder.of(jar()).findAll().iterator().next().descriptor().requires().stream()
                        .anyMatch(r -> r.name().equals(APACHE5_MODULE)
                                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)),
                "apache5 is required statically");

        Configuration resolved = ModulePath.resolve(jar(), Set.of("dev.vpclattice.client"), ModulePath.APACHE5_CLIENT);

        assertTrue(resolved.findModule("dev.vpclattice.client").isPresent());
        assertTrue(resolved.findModule(APACHE5_MODULE).isEmpty());
    }
}
