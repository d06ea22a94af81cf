package dev.vpclattice.client.internal.observe;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.entities.Entity;
import com.amazonaws.xray.entities.Namespace;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.TraceHeader;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.call.Call;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records each call as a remote X-Ray subsegment of the active segment (or, inside Lambda, of the function's
 * facade segment) and propagates {@code X-Amzn-Trace-Id}. Loaded only when the recorder is on the class path.
 *
 * <p>Inside Lambda the sampling decision is Lambda's, carried in the invocation's trace header ({@code Sampled=1}
 * or {@code Sampled=0}). For an unsampled invocation nothing would be recorded, yet initialising the recorder (its
 * sampling rules, read with jackson-databind, its emitter and plugins) costs a cold start ~0.2 s: so an unsampled
 * call touches no X-Ray class at all and only propagates {@code Root=...;Sampled=0}, the header the recorder would
 * have sent. A sampled call goes through the recorder as before.
 *
 * <p>One subsegment covers the whole call, retries included, as the X-Ray SDK's own AWS SDK instrumentation records a
 * call; each attempt carries the same {@code X-Amzn-Trace-Id}, added after signing. When an OpenTelemetry X-Ray
 * propagator also writes that header for the same attempt, its value (the OpenTelemetry span) wins.
 */
final class XRayObserver implements CallObserver {
    private static final Logger LOG = LoggerFactory.getLogger(XRayObserver.class);
    /** Where the Java runtime client puts each invocation's trace header (it cannot change the environment). */
    static final String LAMBDA_TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

    static final String TRACE_HEADER = "X-Amzn-Trace-Id";

    private final boolean inLambda;
    private final Supplier<String> lambdaTraceHeader;

    XRayObserver() {
        this(System.getenv("LAMBDA_TASK_ROOT") != null, XRayObserver::lambdaTraceHeader);
    }

    XRayObserver(boolean inLambda, Supplier<String> lambdaTraceHeader) {
        this.inLambda = inLambda;
        this.lambdaTraceHeader = lambdaTraceHeader;
    }

    @Override
    public Observation start(Call call) {
        if (inLambda) {
            String header = lambdaTraceHeader.get();
            String root = field(header, "Root");
            if (root == null) {
                // No trace context: the recorder would record into a no-op segment.
                return Observation.NONE;
            }
            if (!"1".equals(field(header, "Sampled"))) {
                return new UnsampledCall("Root=" + root + ";Sampled=0");
            }
        }
        // The query is left out of traces for the same reason as from messages: callers may put tokens there.
        return Recording.start(
                call.request().method(), call.request().host(), call.request().redactedUrl(), inLambda);
    }

    /**
     * The invocation's trace header, looked up where the X-Ray recorder's Lambda context looks: the runtime client's
     * per-thread value (set when one environment runs invocations concurrently), {@code _X_AMZN_TRACE_ID}, then the
     * system property the Java runtime client sets for each invocation.
     */
    static String lambdaTraceHeader() {
        String header = ThreadLocalHeader.get();
        if (header == null || header.isEmpty()) {
            header = System.getenv("_X_AMZN_TRACE_ID");
        }
        if (header == null || header.isEmpty()) {
            header = System.getProperty(LAMBDA_TRACE_HEADER_PROPERTY);
        }
        return header;
    }

    /** Returns the value of {@code key=value} in a {@code ;}-separated trace header, or null. */
    static String field(String header, String key) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(key)) {
                String value = part.substring(eq + 1).strip();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The runtime client's per-thread trace header (utils-lite's {@code SdkInternalThreadLocal}), when present. */
    private static final class ThreadLocalHeader {
        private static final MethodHandle GET = find();

        private static MethodHandle find() {
            try {
                Class<?> type = Class.forName(
                        "software.amazon.awssdk.utilslite.SdkInternalThreadLocal",
                        false,
                        XRayObserver.class.getClassLoader());
                return MethodHandles.publicLookup()
                        .findStatic(type, "get", MethodType.methodType(String.class, String.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }

        static String get() {
            if (GET == null) {
                return null;
            }
            try {
                return (String) GET.invokeExact("AWS_LAMBDA_X_TRACE_ID");
            } catch (Throwable e) {
                return null;
            }
        }
    }

    /** An unsampled Lambda invocation: nothing recorded, the decision propagated. No X-Ray class is touched. */
    private static final class UnsampledCall implements Observation {
        private final Map<String, String> header;

        UnsampledCall(String header) {
            this.header = Map.of(TRACE_HEADER, header);
        }

        @Override
        public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
            return TraceHeaders.addUnsigned(signed, header);
        }

        @Override
        public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {}

        @Override
        public void attemptFailed(Call call, Throwable failure, long durationNanos) {}

        @Override
        public void ended(Call call, LatticeResponse response, Throwable failure) {}
    }

    /** The recorder's path; its own class, so that the unsampled path never links X-Ray classes. */
    private static final class Recording {
        private Recording() {}

        static Observation start(String method, String host, String url, boolean inLambda) {
            try {
                AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
                // Outside Lambda, beginSubsegment without a segment would trigger the context-missing strategy (an
                // error
                // log or an exception): only trace when the caller has a segment.
                if (!inLambda && recorder.getCurrentSegmentOptional().isEmpty()) {
                    return Observation.NONE;
                }
                Entity origin = recorder.getTraceEntity();
                Subsegment subsegment = recorder.beginSubsegment(host);
                subsegment.setNamespace(Namespace.REMOTE.toString());
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("url", url);
                request.put("method", method);
                subsegment.putHttp("request", request);
                return new XRayCall(recorder, subsegment, origin);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray tracing skipped: {}", e.toString());
                return Observation.NONE;
            }
        }
    }

    private static final class XRayCall implements Observation {
        private final AWSXRayRecorder recorder;
        private final Subsegment subsegment;

        private final Entity origin;
        private volatile boolean detached;

        XRayCall(AWSXRayRecorder recorder, Subsegment subsegment, Entity origin) {
            this.recorder = recorder;
            this.subsegment = subsegment;
            this.origin = origin;
        }

        @Override
        public void detach() {
            try {
                // As the X-Ray SDK's own AWS SDK v2 interceptor does for async calls: the subsegment stays open, but
                // the
                // caller's thread must not keep it as its current entity (its next subsegments would nest under ours).
                recorder.setTraceEntity(origin);
                detached = true;
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray context not restored: {}", e.toString());
            }
        }

        @Override
        public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
            try {
                if (!subsegment.shouldPropagate()) {
                    return signed;
                }
                Segment parent = subsegment.getParentSegment();
                boolean sampled = parent.isSampled();
                TraceHeader header = new TraceHeader(
                        parent.getTraceId(),
                        sampled ? subsegment.getId() : null,
                        sampled ? TraceHeader.SampleDecision.SAMPLED : TraceHeader.SampleDecision.NOT_SAMPLED);
                return TraceHeaders.addUnsigned(signed, Map.of(TRACE_HEADER, header.toString()));
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray trace header not added: {}", e.toString());
                return signed;
            }
        }

        @Override
        public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {}

        @Override
        public void attemptFailed(Call call, Throwable failure, long durationNanos) {}

        @Override
        public void ended(Call call, LatticeResponse response, Throwable failure) {
            if (response != null) {
                response(response.statusCode(), response.bodyLength());
            } else if (failure != null) {
                failure(failure);
            }
            end();
        }

        private void response(int status, long contentLength) {
            try {
                recordResponse(status, contentLength);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray response not recorded: {}", e.toString());
            }
        }

        private void recordResponse(int status, long contentLength) {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("status", status);
            response.put("content_length", contentLength);
            subsegment.putHttp("response", response);
            if (status == 429) {
                subsegment.setThrottle(true);
                subsegment.setError(true);
            } else if (status >= 500) {
                subsegment.setFault(true);
            } else if (status >= 400) {
                subsegment.setError(true);
            }
        }

        private void failure(Throwable failure) {
            try {
                subsegment.addException(failure);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray failure not recorded: {}", e.toString());
            }
        }

        private void end() {
            try {
                if (detached) {
                    // Another thread ends it: that thread's context is not ours to look at or change.
                    recorder.endSubsegment(subsegment);
                } else if (recorder.getTraceEntity() == subsegment) {
                    // Ours is current: the no-argument form also restores the parent as the thread's current entity.
                    recorder.endSubsegment();
                } else {
                    // Something else became current meanwhile (a caller's subsegment left open, another thread's
                    // context): end exactly ours and leave the thread's context alone.
                    recorder.endSubsegment(subsegment);
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray subsegment could not be ended: {}", e.toString());
            }
        }
    }
}
