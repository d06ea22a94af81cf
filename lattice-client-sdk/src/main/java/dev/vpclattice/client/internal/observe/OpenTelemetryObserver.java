package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.call.Call;
import dev.vpclattice.client.internal.http.UserAgent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records every attempt of a call as an OpenTelemetry span of kind CLIENT and injects its context into the attempt's
 * request through the globally installed propagators (W3C {@code traceparent}/{@code tracestate}, the X-Ray
 * propagator's {@code X-Amzn-Trace-Id}, whatever the application installed), after signing and never over a signed
 * header ({@link TraceHeaders}). Loaded only when {@code opentelemetry-api} is on the class path and OpenTelemetry
 * tracing is on.
 *
 * <p>One span per attempt, as the HTTP semantic conventions ask of a client that can see each physical request
 * ("Instrumentations SHOULD create an HTTP span for each attempt to send an HTTP request over the wire"; a resend
 * carries {@code http.request.resend_count}) and as opentelemetry-java-instrumentation's HTTP client instrumenters do
 * (the OkHttp instrumentation counts resends in an application interceptor and makes a span in a network interceptor,
 * per attempt). The spans of a call are siblings under the caller's context, captured when the call starts.
 * Attributes are the stable ones: {@code http.request.method}, {@code server.address}, {@code server.port},
 * {@code url.full} without the query (callers may put tokens there), {@code http.request.resend_count} from the
 * second attempt, {@code http.response.status_code}, and {@code error.type} (the status code for 4xx/5xx, else the
 * failure's class name). No header value and no exception message is recorded.
 *
 * <p>The global instance is read through {@link GlobalOpenTelemetry#isSet()} and {@code get()} only once it is set,
 * so the library never installs the no-op instance that would make an application's later
 * {@code GlobalOpenTelemetry.set} fail. Until then it looks again at most once a second.
 */
final class OpenTelemetryObserver implements CallObserver {
    private static final Logger LOG = LoggerFactory.getLogger(OpenTelemetryObserver.class);
    static final String INSTRUMENTATION_SCOPE = "dev.vpclattice.client";
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private volatile Installed installed;
    private volatile long nextCheckNanos = System.nanoTime();

    @Override
    public Observation start(Call call) {
        try {
            Installed otel = installed();
            if (otel == null) {
                return Observation.NONE;
            }
            return new AttemptSpans(otel, Context.current(), call.request());
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("OpenTelemetry tracing skipped: {}", e.toString());
            return Observation.NONE;
        }
    }

    private Installed installed() {
        Installed otel = installed;
        if (otel != null) {
            return otel;
        }
        long now = System.nanoTime();
        if (now - nextCheckNanos < 0) {
            return null;
        }
        nextCheckNanos = now + RECHECK_NANOS;
        // get() before anything is installed would install the no-op instance for good (and fail the application's
        // own set() later): look only once something is there.
        if (!GlobalOpenTelemetry.isSet()) {
            return null;
        }
        OpenTelemetry global = GlobalOpenTelemetry.get();
        otel = new Installed(
                global.tracerBuilder(INSTRUMENTATION_SCOPE)
                        .setInstrumentationVersion(UserAgent.VERSION)
                        .build(),
                global.getPropagators().getTextMapPropagator());
        installed = otel;
        return otel;
    }

    /** The global instance's tracer and propagator, which stay for the life of the JVM once installed. */
    private static final class Installed {
        final Tracer tracer;
        final TextMapPropagator propagator;

        Installed(Tracer tracer, TextMapPropagator propagator) {
            this.tracer = tracer;
            this.propagator = propagator;
        }
    }

    /** The spans of one call: one open at a time, ended when its attempt is answered or fails. */
    private static final class AttemptSpans implements Observation {
        private final Installed otel;
        private final Context parent;
        private final String method;
        private final String host;
        private final long port;
        private final String url;
        private Span current;

        AttemptSpans(Installed otel, Context parent, LatticeRequest request) {
            this.otel = otel;
            this.parent = parent;
            this.method = request.method();
            this.host = request.host();
            this.port = request.port() > 0 ? request.port() : "http".equals(request.scheme()) ? 80 : 443;
            this.url = request.redactedUrl();
        }

        @Override
        public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
            try {
                endCurrent();
                // The library sends only methods that the conventions know, so the span is named after the method.
                SpanBuilder span = otel.tracer
                        .spanBuilder(method)
                        .setSpanKind(SpanKind.CLIENT)
                        .setParent(parent)
                        .setAttribute(HTTP_REQUEST_METHOD, method)
                        .setAttribute(SERVER_ADDRESS, host)
                        .setAttribute(SERVER_PORT, port)
                        .setAttribute(URL_FULL, url);
                if (call.attempts() > 1) {
                    span.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) call.attempts() - 1);
                }
                current = span.startSpan();
                Map<String, String> headers = new LinkedHashMap<>();
                otel.propagator.inject(parent.with(current), headers, (carrier, key, value) -> {
                    if (carrier != null) {
                        carrier.put(key, value);
                    }
                });
                return TraceHeaders.addUnsigned(signed, headers);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("OpenTelemetry attempt not traced: {}", e.toString());
                return signed;
            }
        }

        @Override
        public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {
            Span span = current;
            current = null;
            if (span == null) {
                return;
            }
            try {
                int status = response.statusCode();
                span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
                if (status >= 400) {
                    span.setAttribute(ERROR_TYPE, Integer.toString(status));
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("OpenTelemetry response not recorded: {}", e.toString());
            }
        }

        @Override
        public void attemptFailed(Call call, Throwable failure, long durationNanos) {
            Span span = current;
            current = null;
            if (span == null) {
                return;
            }
            try {
                // The class name only: an exception's message may carry what the caller passed in.
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
                span.setStatus(StatusCode.ERROR);
                span.end();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("OpenTelemetry failure not recorded: {}", e.toString());
            }
        }

        @Override
        public void ended(Call call, LatticeResponse response, Throwable failure) {
            endCurrent();
        }

        private void endCurrent() {
            Span span = current;
            current = null;
            if (span != null) {
                try {
                    span.end();
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("OpenTelemetry span not ended: {}", e.toString());
                }
            }
        }
    }
}
