package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The lifecycle as JUnit drives it: fixture classes (nested here, so Surefire does not run them on their own) run in a
 * nested Jupiter engine, and each records what it saw.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionLifecycleTest {
    /** What each fixture test saw, by fixture test name. */
    static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

    record Seen(URI endpoint, Path pem, int eventsAtStart) {}

    static LocalLatticeExtension.Builder echo() {
        return LocalLatticeExtension.builder()
                .target(event -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .body("ok")
                        .build());
    }

    /** Records what a fixture test sees, then sends one signed request so the next test has something to clear. */
    static void see(String test, LocalLatticeExtension lattice) {
        SEEN.put(
                test,
                new Seen(
                        lattice.endpoint(),
                        lattice.certificatePem(),
                        lattice.receivedEvents().size()));
        try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
            assertEquals(
                    200,
                    caller.post(lattice.endpoint(), "/" + test, "{}", lattice.credentials())
                            .status());
        }
        assertEquals(1, lattice.receivedEvents().size());
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        SEEN.clear();
        return Fixture.Runner.run(fixture);
    }

    private static void assertStopped(Seen seen) {
        assertThrows(
                ConnectException.class,
                () -> new Socket(
                                InetAddress.getLoopbackAddress(),
                                seen.endpoint().getPort())
                        .close(),
                "nothing listens on " + seen.endpoint() + " any more");
        assertFalse(Files.exists(seen.pem()), "the PEM file is deleted with its directory: " + seen.pem());
    }

    @Fixture
    static class StaticField {
        @RegisterExtension
        static LocalLatticeExtension lattice = echo().build();

        static URI constructed;

        StaticField(URI endpoint) {
            constructed = endpoint;
        }

        @Test
        void first() {
            see("first", lattice);
        }

        @Test
        void second() {
            see("second", lattice);
        }

        @Nested
        class Inner {
            @Test
            void nested() {
                see("nested", lattice);
            }
        }
    }

    @Test
    void staticField_oneLatticeForTheClassAndItsNestedClasses_stoppedAfterIt_eventsClearedPerTest() {
        run(StaticField.class)
                .testEvents()
                .assertStatistics(stats -> stats.started(3).succeeded(3));

        assertEquals(3, SEEN.size(), SEEN::toString);
        assertEquals(1, SEEN.values().stream().map(Seen::endpoint).distinct().count(), SEEN::toString);
        assertEquals(SEEN.get("first").endpoint(), StaticField.constructed, "constructor injection");
        SEEN.values().forEach(seen -> assertEquals(0, seen.eventsAtStart(), SEEN::toString));
        assertStopped(SEEN.get("first"));
        assertThrows(IllegalStateException.class, StaticField.lattice::endpoint);
    }

    @Fixture
    static class InstanceField {
        @RegisterExtension
        LocalLatticeExtension lattice = echo().build();

        @Test
        void first(URI endpoint) {
            assertEquals(lattice.endpoint(), endpoint);
            see("first", lattice);
        }

        @Test
        void second() {
            see("second", lattice);
        }
    }

    @Test
    void instanceField_oneLatticePerTestMethod_eachStoppedAfterItsTest() {
        run(InstanceField.class)
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        assertNotEquals(SEEN.get("first").endpoint(), SEEN.get("second").endpoint());
        assertStopped(SEEN.get("first"));
        assertStopped(SEEN.get("second"));
    }

    @Fixture
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class InstanceFieldPerClass {
        @RegisterExtension
        LocalLatticeExtension lattice = echo().build();

        @Test
        void first() {
            see("first", lattice);
        }

        @Test
        void second() {
            see("second", lattice);
        }
    }

    @Test
    void instanceField_withPerClassLifecycle_oneLatticeForTheClass() {
        run(InstanceFieldPerClass.class)
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        assertEquals(SEEN.get("first").endpoint(), SEEN.get("second").endpoint());
        assertStopped(SEEN.get("first"));
    }

    /** A port that was free a moment ago; the failing fixture's local Lattice binds it before its start fails. */
    static int port;

    @Fixture
    static class FailsHalfWay {
        @RegisterExtension
        static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
                .function(Path.of("target", "no-such-function"), "com.example.Handler")
                .latticeOptions(options -> options.port(port))
                .build();

        @BeforeAll
        static void neverRuns() {
            SEEN.put("beforeAll", new Seen(null, null, 0));
        }

        @Test
        void neverRunsEither() {
            SEEN.put("test", new Seen(null, null, 0));
        }
    }

    @Test
    void startFailingHalfWay_failsTheClassNamingTheCause_andStopsWhatHadStarted() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        EngineExecutionResults results = run(FailsHalfWay.class);

        List<Throwable> failures = new ArrayList<>();
        results.containerEvents().failed().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
                .forEach(throwable -> throwable.ifPresent(failures::add));
        assertEquals(1, failures.size(), failures::toString);
        assertTrue(failures.get(0) instanceof IllegalArgumentException, failures.get(0)::toString);
        assertTrue(
                failures.get(0).getMessage().contains("no-such-function"),
                failures.get(0).getMessage());
        assertEquals(Map.of(), SEEN, "neither @BeforeAll nor a test ran");
        // The local Lattice had bound the port before the function failed: it must be free again.
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    @Fixture
    static class TwoExtensions {
        @RegisterExtension
        static LocalLatticeExtension one = echo().build();

        @RegisterExtension
        static LocalLatticeExtension two = echo().build();

        @Test
        void fieldsWork() {
            assertNotEquals(one.endpoint(), two.endpoint());
        }

        @Test
        void parametersAreAmbiguous(AwsCredentialsProvider credentials) {}
    }

    @Test
    void twoExtensions_runSideBySide_butTheirParametersAreAmbiguous() {
        EngineExecutionResults results = run(TwoExtensions.class);

        results.testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        String failure = results.testEvents().failed().stream()
                .findFirst()
                .orElseThrow()
                .getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .orElseThrow()
                .getMessage();
        assertTrue(failure.contains("competing ParameterResolvers"), failure);
    }
}
