package dev.vpclattice.client.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.testing.ModulePath;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On the module path the packaged jar is the automatic module dev.vpclattice.client.okhttp, and an application that
 * requires it and dev.vpclattice.client resolves without the AWS SDK's Apache 5 client, which this module leaves out.
 */
class OkHttpModuleIT {
    @Test
    void theJar_isANamedAutomaticModule_thatResolvesWithoutTheApache5Client() throws Exception {
        Path jar = ModulePath.packagedJar("lattice-client-okhttp");
        ModuleDescriptor descriptor =
                ModuleFinder.of(jar).findAll().iterator().next().descriptor();

        assertEquals("dev.vpclattice.client.okhttp", descriptor.name());
        assertTrue(descriptor.isAutomatic());

        Configuration resolved = ModulePath.resolve(
                jar, Set.of("dev.vpclattice.client.okhttp", "dev.vpclattice.client"), ModulePath.APACHE5_CLIENT);
        assertTrue(resolved.findModule("software.amazon.awssdk.http.apache5").isEmpty());
    }
}
