package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trace headers an HTTP client adapter adds after signing, where the adapter's host client records no span of
 * the library's: the current OpenTelemetry context through the installed propagators (when the API is on the class
 * path and a global {@code OpenTelemetry} is installed), and inside Lambda the invocation's {@code X-Amzn-Trace-Id}.
 * A header the request already carries (the host client's own instrumentation) is left as it is. Thread-safe; never
 * throws.
 */
@LatticeInternalApi
public final class TracePropagation {
    private static final Logger LOG = LoggerFactory.getLogger(TracePropagation.class);
    private static final TracePropagation NONE = new TracePropagation(false, false, () -> null);

    private final boolean openTelemetry;
    private final boolean inLambda;
    private final Supplier<String> lambdaTraceHeader;

    private TracePropagation(boolean openTelemetry, boolean inLambda, Supplier<String> lambdaTraceHeader) {
        this.openTelemetry = openTelemetry;
        this.inLambda = inLambda;
        this.lambdaTraceHeader = lambdaTraceHeader;
    }

    /**
     * Decides what to propagate.
     *
     * @param enabled whether to propagate at all
     * @param classPresent answers whether a class is loadable
     * @return the propagation
     */
    public static TracePropagation create(boolean enabled, Predicate<String> classPresent) {
        return create(enabled, classPresent, System.getenv("LAMBDA_TASK_ROOT") != null);
    }

    static TracePropagation create(boolean enabled, Predicate<String> classPresent, boolean inLambda) {
        if (!enabled) {
            return NONE;
        }
        // The invocation's header is looked up as for the client's own calls, the runtime client's per-thread value
        // first, so that concurrent invocations in one environment each propagate their own.
        Supplier<String> lambdaTraceHeader = inLambda ? XRayObserver::lambdaTraceHeader : () -> null;
        return new TracePropagation(
                classPresent.test(OptionalDependencies.OPENTELEMETRY_API), inLambda, lambdaTraceHeader);
    }

    /**
     * Adds the trace headers the request lacks.
     *
     * @param headers where to add them, after the signature's headers
     * @param present answers whether the request already carries a header, by name in any case
     */
    public void addTo(Map<String, String> headers, Predicate<String> present) {
        if (openTelemetry) {
            try {
                OpenTelemetryPropagation.inject(headers, present);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("OpenTelemetry context not propagated: {}", e.toString());
            }
        }
        if (inLambda && !present.test(XRayObserver.TRACE_HEADER) && !headers.containsKey(XRayObserver.TRACE_HEADER)) {
            String header = lambdaTraceHeader.get();
            if (header != null && !header.isEmpty()) {
                headers.put(XRayObserver.TRACE_HEADER, header);
            }
        }
    }

    /** Loaded only when the OpenTelemetry API is on the class path. */
    private static final class OpenTelemetryPropagation {
        static void inject(Map<String, String> headers, Predicate<String> present) {
            // get() before anything is installed would install the no-op instance for good.
            if (!GlobalOpenTelemetry.isSet()) {
                return;
            }
            GlobalOpenTelemetry.get()
                    .getPropagators()
                    .getTextMapPropagator()
                    .inject(Context.current(), headers, (carrier, key, value) -> {
                        if (carrier != null && !present.test(key)) {
                            carrier.put(key, value);
                        }
                    });
        }
    }
}
