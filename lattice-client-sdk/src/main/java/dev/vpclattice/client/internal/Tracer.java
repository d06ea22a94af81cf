package dev.vpclattice.client.internal;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Records one client call as a remote span. Kept small so an OpenTelemetry implementation can sit beside the X-Ray
 * one. Implementations must never throw from these methods.
 */
@LatticeInternalApi
public interface Tracer {

    /**
     * Starts a span for a call on the calling thread.
     *
     * @param method the HTTP method
     * @param host the host called
     * @param url the URL called without its query ({@code LatticeRequest.redactedUrl()}), which may carry tokens
     * @return the span, never {@code null}
     */
    Span start(String method, String host, String url);

    /** One traced call. */
    interface Span {
        /**
         * Returns the value of the {@code X-Amzn-Trace-Id} header to add after signing.
         *
         * @return the header value, or empty when nothing should be propagated
         */
        Optional<String> traceHeader();

        /**
         * Records the final HTTP response.
         *
         * @param status the status code
         * @param contentLength the body length in bytes
         */
        void response(int status, long contentLength);

        /**
         * Records a failure that produced no response.
         *
         * @param failure the failure
         */
        void failure(Throwable failure);

        /** Ends the span; called exactly once. */
        void end();

        /**
         * Tells the span that the call goes on on other threads (the async client calls this right after
         * {@link Tracer#start}): the calling thread gets back the trace context it had before the span started, and
         * {@link #end()} will run on another thread. Does nothing by default.
         */
        default void detach() {
        }
    }

    /** A tracer that records nothing. */
    Tracer NO_OP = (method, host, url) -> NoOpSpan.INSTANCE;

    /**
     * Returns the X-Ray tracer when enabled and the recorder is on the class path, else {@link #NO_OP}.
     *
     * @param enabled whether tracing is wanted
     * @return the tracer
     */
    static Tracer detect(boolean enabled) {
        return detect(enabled, OptionalDependencies.CLASSPATH);
    }

    /**
     * Like {@link #detect(boolean)} with a custom class-presence test (for tests).
     *
     * @param enabled whether tracing is wanted
     * @param classPresent answers whether a class is loadable
     * @return the tracer
     */
    static Tracer detect(boolean enabled, Predicate<String> classPresent) {
        if (!enabled || !classPresent.test(OptionalDependencies.XRAY_RECORDER)) {
            return NO_OP;
        }
        return new XRayTracer();
    }

    /** The span of {@link #NO_OP}. */
    enum NoOpSpan implements Span {
        /** The instance. */
        INSTANCE;

        @Override
        public Optional<String> traceHeader() {
            return Optional.empty();
        }

        @Override
        public void response(int status, long contentLength) {
        }

        @Override
        public void failure(Throwable failure) {
        }

        @Override
        public void end() {
        }
    }
}
