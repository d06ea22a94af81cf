package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.LatticeRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which observers a client gets, and that a call with none costs no observation. */
class CallObserversTest {
    private static final List<LatticeCallListener> NO_LISTENERS = List.of();

    @Test
    void tracers_areThoseEnabledAndOnTheClassPath_xRayFirst() {
        assertEquals(
                List.of("XRayTracer", "OpenTelemetryTracer"),
                CallObservers.create(true, true, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of("XRayTracer"),
                CallObservers.create(true, false, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of("OpenTelemetryTracer"),
                CallObservers.create(false, true, NO_LISTENERS, List.of(), name -> true)
                        .tracerNames());
        assertEquals(
                List.of(),
                CallObservers.create(true, true, NO_LISTENERS, List.of(), name -> false)
                        .tracerNames());
        assertEquals(
                List.of("OpenTelemetryTracer"),
                CallObservers.create(
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
                LatticeRequest.builder().url("https://svc.example").build(), Duration.ofSeconds(1), System.nanoTime());
        assertSame(
                CallObserver.Observation.NONE,
                CallObservers.create(true, true, NO_LISTENERS, List.of(), name -> false)
                        .start(call));
        assertSame(CallObserver.Observation.NONE, CallObservers.none().start(call));
    }
}
