package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.client.internal.call.Call;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * A client's observers of calls, decided once when the client is built: X-Ray and OpenTelemetry when enabled and
 * on the class path, the listeners, and the wire log while its logger is enabled for DEBUG. {@link #start} gives each
 * call one {@link CallObserver.Observation} that forwards every point to those active for it, X-Ray first, then
 * OpenTelemetry (so its {@code X-Amzn-Trace-Id}, when its X-Ray propagator is installed, replaces X-Ray's), the
 * listeners, and the wire log last (so it logs the headers as sent). With none active it returns
 * {@link CallObserver.Observation#NONE} without allocating, and without loading any tracer's class.
 */
@LatticeInternalApi
public final class CompositeObserver {
    /** The logger of the redacted wire log. */
    public static final String WIRE_LOGGER = "dev.vpclattice.client.wire";
    /** Headers whose values the wire log always replaces. */
    public static final Set<String> ALWAYS_REDACTED =
            Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token");

    private static final Logger LOG = LoggerFactory.getLogger(CompositeObserver.class);
    private static final Logger WIRE = LoggerFactory.getLogger(WIRE_LOGGER);

    private final CallObserver[] tracers;
    private final ListenerObserver listeners;
    private final Set<String> redacted;

    private CompositeObserver(CallObserver[] tracers, ListenerObserver listeners, Set<String> redacted) {
        this.tracers = tracers;
        this.listeners = listeners;
        this.redacted = redacted;
    }

    /**
     * Decides a client's observers.
     *
     * @param xRay whether X-Ray tracing is wanted (used only when the recorder is on the class path)
     * @param openTelemetry whether OpenTelemetry tracing is wanted (used only when its API is on the class path)
     * @param listeners the listeners, in order
     * @param redactedHeaders header names whose values the wire log replaces, besides {@link #ALWAYS_REDACTED}
     * @param classPresent answers whether a class is loadable (tests pass their own)
     * @return the observers
     */
    public static CompositeObserver create(
            boolean xRay,
            boolean openTelemetry,
            List<LatticeCallListener> listeners,
            Collection<String> redactedHeaders,
            Predicate<String> classPresent) {
        List<CallObserver> tracers = new ArrayList<>(2);
        if (xRay && classPresent.test(OptionalDependencies.XRAY_RECORDER)) {
            tracers.add(new XRayObserver());
        }
        if (openTelemetry && classPresent.test(OptionalDependencies.OPENTELEMETRY_API)) {
            tracers.add(new OpenTelemetryObserver());
        }
        Set<String> redacted = new TreeSet<>(ALWAYS_REDACTED);
        for (String name : redactedHeaders) {
            redacted.add(name.toLowerCase(Locale.ROOT));
        }
        return new CompositeObserver(
                tracers.toArray(new CallObserver[0]),
                listeners.isEmpty() ? null : new ListenerObserver(listeners),
                Set.copyOf(redacted));
    }

    /**
     * Returns observers that observe nothing (the wire log still follows its logger).
     *
     * @return the observers
     */
    public static CompositeObserver none() {
        return new CompositeObserver(new CallObserver[0], null, ALWAYS_REDACTED);
    }

    /**
     * Returns the tracers in use, for tests.
     *
     * @return their classes' simple names, X-Ray first
     */
    public List<String> tracerNames() {
        List<String> names = new ArrayList<>();
        for (CallObserver tracer : tracers) {
            names.add(tracer.getClass().getSimpleName());
        }
        return names;
    }

    /**
     * Starts observing a call; see {@link CallObserver} for the points to call afterwards.
     *
     * @param call the call
     * @return the call's observation, {@link CallObserver.Observation#NONE} when nothing observes it
     */
    public CallObserver.Observation start(Call call) {
        boolean wire = WIRE.isDebugEnabled();
        if (tracers.length == 0 && listeners == null && !wire) {
            return CallObserver.Observation.NONE;
        }
        List<CallObserver.Observation> active = new ArrayList<>(tracers.length + 2);
        for (CallObserver tracer : tracers) {
            CallObserver.Observation observation;
            try {
                observation = tracer.start(call);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug(
                        "{} could not start observing {}: {}",
                        tracer.getClass().getSimpleName(),
                        call.request(),
                        e.toString());
                continue;
            }
            if (observation != CallObserver.Observation.NONE) {
                active.add(observation);
            }
        }
        if (listeners != null) {
            active.add(listeners);
        }
        if (wire) {
            active.add(new WireLogObserver(WIRE, redacted));
        }
        if (active.isEmpty()) {
            return CallObserver.Observation.NONE;
        }
        return active.size() == 1 ? active.get(0) : new All(active.toArray(new CallObserver.Observation[0]));
    }

    /** Forwards every point to each observation, so that one that throws cannot keep the others or the call from it. */
    private static final class All implements CallObserver.Observation {
        private final CallObserver.Observation[] observations;

        All(CallObserver.Observation[] observations) {
            this.observations = observations;
        }

        @Override
        public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
            SdkHttpRequest request = signed;
            for (CallObserver.Observation observation : observations) {
                try {
                    request = observation.attemptStarted(call, request);
                } catch (RuntimeException | LinkageError e) {
                    failed(observation, e);
                }
            }
            return request;
        }

        @Override
        public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {
            for (CallObserver.Observation observation : observations) {
                try {
                    observation.attemptAnswered(call, response, durationNanos);
                } catch (RuntimeException | LinkageError e) {
                    failed(observation, e);
                }
            }
        }

        @Override
        public void attemptFailed(Call call, Throwable failure, long durationNanos) {
            for (CallObserver.Observation observation : observations) {
                try {
                    observation.attemptFailed(call, failure, durationNanos);
                } catch (RuntimeException | LinkageError e) {
                    failed(observation, e);
                }
            }
        }

        @Override
        public void ended(Call call, LatticeResponse response, Throwable failure) {
            for (CallObserver.Observation observation : observations) {
                try {
                    observation.ended(call, response, failure);
                } catch (RuntimeException | LinkageError e) {
                    failed(observation, e);
                }
            }
        }

        @Override
        public void detach() {
            for (CallObserver.Observation observation : observations) {
                try {
                    observation.detach();
                } catch (RuntimeException | LinkageError e) {
                    failed(observation, e);
                }
            }
        }

        private static void failed(CallObserver.Observation observation, Throwable e) {
            LOG.debug("{} failed: {}", observation.getClass().getName(), e.toString());
        }
    }
}
