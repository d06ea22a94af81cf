package dev.vpclattice.lambda.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link LocalLambda#invoke(byte[])}: how it ended, what the function (or the runtime, on
 * failure) answered, and how long the caller waited.
 *
 * <p>Immutable; {@link #payload()} returns a copy.
 */
public final class LambdaInvocation {
    /** How an invocation ended. */
    public enum Status {
        /** The function returned; {@link #payload()} is its response. */
        SUCCESS,
        /**
         * The function threw, failed to initialise, or its runtime crashed; {@link #payload()} is the error JSON
         * Lambda would report ({@code errorMessage}, {@code errorType}, and {@code stackTrace} when the runtime
         * sent one).
         */
        FUNCTION_ERROR,
        /** No answer within the timeout; the runtime process was killed and {@link #payload()} is the error JSON. */
        TIMEOUT
    }

    private final String requestId;
    private final Status status;
    private final byte[] payload;
    private final Duration duration;

    /**
     * Creates an outcome.
     *
     * @param requestId the invocation's request id; required
     * @param status how it ended; required
     * @param payload the response or error JSON; required
     * @param duration how long the caller waited; required
     */
    public LambdaInvocation(String requestId, Status status, byte[] payload, Duration duration) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.status = Objects.requireNonNull(status, "status");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns the request id the runtime saw as {@code Lambda-Runtime-Aws-Request-Id}.
     *
     * @return the request id the runtime saw as {@code Lambda-Runtime-Aws-Request-Id}
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Returns how the invocation ended.
     *
     * @return how the invocation ended
     */
    public Status status() {
        return status;
    }

    /**
     * Returns a copy of the response bytes, or of the error JSON when the status is not {@code SUCCESS}.
     *
     * @return a copy of the response bytes, or of the error JSON when the status is not {@code SUCCESS}
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Returns the payload decoded as UTF-8.
     *
     * @return the payload decoded as UTF-8
     */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * Returns how long the caller waited, from the call to {@code invoke} to the answer.
     *
     * @return how long the caller waited, from the call to {@code invoke} to the answer; includes starting the
     *     runtime on a cold start
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Returns a copy with another duration.
     *
     * @param newDuration the duration; required
     * @return the copy
     */
    public LambdaInvocation withDuration(Duration newDuration) {
        return new LambdaInvocation(requestId, status, payload, newDuration);
    }

    @Override
    public String toString() {
        return "LambdaInvocation{requestId=" + requestId + ", status=" + status + ", payloadBytes=" + payload.length
                + ", duration=" + duration + "}";
    }
}
