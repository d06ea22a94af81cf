package dev.vpclattice.client.internal;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.entities.Namespace;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.TraceHeader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each call as a remote X-Ray subsegment of the active segment (or, inside Lambda, of the function's
 * facade segment) and propagates {@code X-Amzn-Trace-Id}. Loaded only when the recorder is on the class path.
 */
final class XRayTracer implements Tracer {
    private static final Logger LOG = LoggerFactory.getLogger(XRayTracer.class);

    @Override
    public Span start(String method, String host, String url) {
        try {
            AWSXRayRecorder recorder = AWSXRay.getGlobalRecorder();
            boolean inLambda = System.getenv("LAMBDA_TASK_ROOT") != null;
            // Outside Lambda, beginSubsegment without a segment would trigger the context-missing strategy (an error
            // log or an exception): only trace when the caller has a segment.
            if (!inLambda && recorder.getCurrentSegmentOptional().isEmpty()) {
                return NoOpSpan.INSTANCE;
            }
            Subsegment subsegment = recorder.beginSubsegment(host);
            subsegment.setNamespace(Namespace.REMOTE.toString());
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("url", url);
            request.put("method", method);
            subsegment.putHttp("request", request);
            return new XRaySpan(recorder, subsegment);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("X-Ray tracing skipped: {}", e.toString());
            return NoOpSpan.INSTANCE;
        }
    }

    private static final class XRaySpan implements Span {
        private final AWSXRayRecorder recorder;
        private final Subsegment subsegment;

        XRaySpan(AWSXRayRecorder recorder, Subsegment subsegment) {
            this.recorder = recorder;
            this.subsegment = subsegment;
        }

        @Override
        public Optional<String> traceHeader() {
            if (!subsegment.shouldPropagate()) {
                return Optional.empty();
            }
            Segment parent = subsegment.getParentSegment();
            boolean sampled = parent.isSampled();
            TraceHeader header = new TraceHeader(parent.getTraceId(), sampled ? subsegment.getId() : null,
                    sampled ? TraceHeader.SampleDecision.SAMPLED : TraceHeader.SampleDecision.NOT_SAMPLED);
            return Optional.of(header.toString());
        }

        @Override
        public void response(int status, long contentLength) {
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

        @Override
        public void failure(Throwable failure) {
            try {
                subsegment.addException(failure);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("X-Ray failure not recorded: {}", e.toString());
            }
        }

        @Override
        public void end() {
            try {
                if (recorder.getTraceEntity() == subsegment) {
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
