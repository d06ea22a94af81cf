package dev.vpclattice.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command's option handling, against an injected process environment. */
class LatticeLocalCommandTest {
    @Test
    void envNameAlone_readsTheInjectedEnvironment_notTheRealOne() {
        // A name the real environment of the test JVM does not have: only the injected map can supply it.
        String name = "LATTICE_LOCAL_TEST_ONLY_" + System.nanoTime();
        LatticeLocalCommand.Options options =
                LatticeLocalCommand.Options.parse(new String[] {"invoke", "--env", name, "--env", "PLAIN=value"});

        Map<String, String> environment = options.environment(Map.of(name, "injected-value"));

        assertEquals(Map.of(name, "injected-value", "PLAIN", "value"), environment);
    }

    @Test
    void envNameAlone_missingFromTheInjectedEnvironment_isRefusedByName() {
        LatticeLocalCommand.Options options =
                LatticeLocalCommand.Options.parse(new String[] {"invoke", "--env", "PATH"});

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options.environment(Map.of()));

        assertTrue(e.getMessage().contains("PATH") && e.getMessage().contains("not set"), e.getMessage());
    }
}
