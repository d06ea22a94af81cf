package dev.vpclattice.client.internal.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.client.internal.call.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which observers a client gets, and that a call with none costs no observation. */
class CompositeObserverTest {
    private static final List<LatticeCallListener> NO_LISTENERS = List.of();

    @Test
    void tracers_areThoseEnabledAndOnTheClassPath_xRayFirst() {
        assertEquals(
                List.of("XRayObserver", "OpenTelemetryObserver"),
                CompositeObserver.create(true, true, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of("XRayObserver"),
                CompositeObserver.create(true, false, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of("OpenTelemetryObserver"),
                CompositeObserver.create(false, true, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of(),
                CompositeObserver.create(true, true, NO_LISTENERS, List.of(), name -> false)
                        .tracerNames());
        assertEquals(
                List.of("OpenTelemetryObserver"),
                CompositeObserver.create(
                                true,
                                true,
                                NO_LISTENERS,
                                List.of(),
                                name -> name.equals(OptionalDependencies.OPENTELEMETRY_API))
                        .tracerNames());
    }

    @Test
    void start_withNothingToObserve_returnsNone() {
        Call call = new Call(
                LatticeRequest.builder().url("https://svc.example").build(),
                Duration.ofSeconds(1),
                System.nanoTime(),
                false);
        assertSame(
                CallObserver.Observation.NONE,
                CompositeObserver.create(true, true, NO_LISTENERS, List.of(), name -> false)
                        .start(call));
        assertSame(CallObserver.Observation.NONE, CompositeObserver.none().start(call));
    }
}
