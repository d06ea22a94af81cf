package dev.vpclattice.client.internal.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.SigningMode;
import org.junit.jupiter.api.Test;

/** SigV4A without the CRT and SigV4 without a region fail at build time, naming the fix. */
class LatticeSignerAvailabilityTest {

    @Test
    void create_sigV4aWithoutCrt_failsClearly() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> LatticeSigner.create(SigningMode.SIGV4A, "us-east-1", null, className -> false));
        assertTrue(e.getMessage().contains("software.amazon.awssdk.crt:aws-crt"), e.getMessage());
    }

    @Test
    void create_sigV4WithoutRegion_failsClearly() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> LatticeSigner.create(SigningMode.SIGV4, null, null, className -> true));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
    }
}
