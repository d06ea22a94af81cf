package dev.vpclattice.client.internal.compat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyCheckTest {
    /** Every dependency at the version given for its group, as a class path of one version per project would be. */
    static Map<String, String> classPath(String sdk, String jackson, String slf4j, String otel, String xray) {
        Map<String, String> versions = new HashMap<>();
        for (DependencyCheck.Dependency d : DependencyCheck.DEPENDENCIES) {
            String c = d.coordinates();
            versions.put(
                    c,
                    c.startsWith("software.amazon.awssdk:")
                            ? sdk
                            : c.startsWith("com.fasterxml")
                                    ? jackson
                                    : c.startsWith("org.slf4j")
                                            ? slf4j
                                            : c.startsWith("io.opentelemetry") ? otel : xray);
        }
        return versions;
    }

    static DependencyCheck.Result check(Map<String, String> versions) {
        return DependencyCheck.check(d -> versions.get(d.coordinates()));
    }

    @Test
    void check_atTheFloors_passesWithoutWarnings() {
        DependencyCheck.Result result = check(classPath("2.41.0", "2.15.1", "1.7.36", "1.57.0", "2.15.0"));

        assertNull(result.failure());
        assertEquals(List.of(), result.warnings());
        assertTrue(result.disabledClasses().isEmpty());
    }

    @Test
    void check_aRequiredModuleBelowItsFloor_failsNamingArtifactFoundAndRequired_andWarnsOnceOfTheMix() {
        Map<String, String> versions = classPath("2.57.8", "2.23.0", "2.0.17", "1.68.0", "2.21.0");
        versions.put("software.amazon.awssdk:http-client-spi", "2.21.1");

        DependencyCheck.Result result = check(versions);

        assertTrue(
                result.failure()
                        .startsWith("software.amazon.awssdk:http-client-spi 2.21.1 is on the class path;"
                                + " lattice-client-sdk needs 2.41.0 or newer"),
                result.failure());
        assertEquals(1, result.warnings().size(), result.warnings().toString());
        assertTrue(result.warnings()
                .get(0)
                .startsWith("AWS SDK modules of different versions are on the class path,"
                        + " {2.21.1=[http-client-spi], 2.57.8=[sdk-core,"));
    }

    @Test
    void check_oldJackson_failsNamingEachJacksonArtifact() {
        DependencyCheck.Result result = check(classPath("2.57.8", "2.13.5", "2.0.17", null, null));

        assertTrue(result.failure()
                .contains("com.fasterxml.jackson.core:jackson-databind 2.13.5 is on the class path;"
                        + " lattice-client-sdk needs 2.15.1 or newer"));
        assertTrue(result.failure().contains("com.fasterxml.jackson.core:jackson-core 2.13.5"));
    }

    @Test
    void check_anOldOptionalIntegration_warnsThatItsFeatureIsOff_andDisablesIt() {
        DependencyCheck.Result result = check(classPath("2.57.8", "2.23.0", "2.0.17", "1.44.1", "2.21.0"));

        assertNull(result.failure());
        assertEquals(
                List.of("OpenTelemetry tracing is off: io.opentelemetry:opentelemetry-api 1.44.1 is on the class path;"
                        + " lattice-client-sdk needs 1.57.0 or newer"),
                result.warnings());
        assertTrue(result.disabledClasses().contains("io.opentelemetry.api.GlobalOpenTelemetry"));
    }

    @Test
    void compare_readsTheLeadingNumbers() {
        assertTrue(DependencyCheck.compare("2.23", "2.15.1") > 0);
        assertTrue(DependencyCheck.compare("1.52.0-alpha", "1.57.0") < 0);
        assertEquals(0, DependencyCheck.compare("2.41.0", "2.41"));
        assertTrue(DependencyCheck.compare("2.25.69", "2.41.0") < 0);
    }

    @Test
    void versionOnClassPath_readsTheVersionOfTheJarThatHoldsTheClass() {
        DependencyCheck.Dependency databind = DependencyCheck.DEPENDENCIES.stream()
                .filter(d -> d.coordinates().endsWith(":jackson-databind"))
                .findFirst()
                .orElseThrow();
        DependencyCheck.Dependency apache5 = DependencyCheck.DEPENDENCIES.stream()
                .filter(d -> d.coordinates().endsWith(":apache5-client"))
                .findFirst()
                .orElseThrow();

        assertEquals(
                com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString(),
                DependencyCheck.versionOnClassPath(databind));
        String apache5Version = DependencyCheck.versionOnClassPath(apache5);
        assertTrue(apache5Version != null && DependencyCheck.compare(apache5Version, "2.41.0") >= 0, apache5Version);
    }

    @Test
    void verify_onThisBuildsClassPath_passes() {
        assertDoesNotThrow(DependencyCheck::verify);
    }
}
