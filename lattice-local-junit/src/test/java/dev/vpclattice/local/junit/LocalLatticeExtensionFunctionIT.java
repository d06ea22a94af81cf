package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension in front of a function's artifact directory, run in the real Lambda Java runtime client. The
 * compiled test classes are the artifact: classes at its root, as {@code sam build} lays out a Java function.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionFunctionIT {
    static final Path ARTIFACT = Path.of("target", "test-classes");
    static final String HANDLER = "dev.vpclattice.local.junit.fixtures.EchoFunction::handleRequest";
    static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    static final List<String> FUNCTION_LOG = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .function(ARTIFACT, HANDLER)
            .functionEnvironment("GREETING", "hello-from-the-extension")
            .functionOptions(function -> function.logSink(FUNCTION_LOG::add).timeout(Duration.ofSeconds(20)))
            .region("eu-central-1")
            .build();

    @Test
    void signedRequest_reachesTheFunction_inTheLatticesRegion_withItsEnvironment() {
        SignedCaller.Response response;
        try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
            response = caller.post(lattice.endpoint(), "/orders", "{\"item\":\"book\"}", lattice.credentials());
        }

        assertEquals(200, response.status(), response.body());
        VpcLatticeV2Request event = CODEC.readRequest(response.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"item\":\"book\"}", new String(event.decodeBody(), StandardCharsets.UTF_8));
        assertEquals(
                lattice.allowedPrincipal(),
                event.getRequestContext().getIdentity().getPrincipal());
        assertEquals("eu-central-1", event.getRequestContext().getRegion());
        assertEquals(1, lattice.receivedEvents().size());
        assertTrue(
                lattice.function()
                        .awaitLogLine(line -> line.contains("EchoFunction got"), Duration.ofSeconds(10))
                        .isPresent(),
                FUNCTION_LOG::toString);
    }

    /** Records the runtime's process id, for the test below to check it is gone once the class is over. */
    @Fixture
    static class FunctionFixture {
        static final AtomicLong PID = new AtomicLong();

        @RegisterExtension
        static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
                .function(ARTIFACT, HANDLER)
                .functionOptions(function -> function.logSink(line -> {}))
                .build();

        @Test
        void call() {
            try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
                assertEquals(
                        200,
                        caller.post(lattice.endpoint(), "/", "{}", lattice.credentials())
                                .status());
            }
            PID.set(lattice.function().pid());
        }
    }

    @Test
    void afterTheClass_theFunctionsRuntimeIsStopped() {
        Fixture.Runner.run(FunctionFixture.class)
                .testEvents()
                .assertStatistics(stats -> stats.started(1).succeeded(1));

        long pid = FunctionFixture.PID.get();
        assertTrue(pid > 0);
        assertFalse(
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "the function's runtime (pid " + pid + ") outlived the class");
    }
}
