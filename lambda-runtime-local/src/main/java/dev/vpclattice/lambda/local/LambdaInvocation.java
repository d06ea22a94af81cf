package dev.vpclattice.lambda.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The outcome of one {@link LocalLambda#invoke(byte[])}: how it ended, what the function (or the runtime, on
 * failure) answered, and the times Lambda reports for it: <em>Duration</em> ({@link #invocationDuration()}),
 * <em>Init Duration</em> ({@link #initDuration()}, on the invocation that started the environment), <em>Restore
 * Duration</em> under SnapStart, <em>Max Memory Used</em> ({@link #maxMemoryUsedBytes()}), and how long the caller
 * waited ({@link #duration()}: launch to first response on a cold start).
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
    private final Duration invocationDuration;
    private final Duration initDuration;
    private final Duration restoreDuration;
    private final long maxMemoryUsedBytes;

    /**
     * Creates an outcome without Lambda's phase times.
     *
     * @param requestId the invocation's request id; required
     * @param status how it ended; required
     * @param payload the response or error JSON; required
     * @param duration how long the caller waited; required
     */
    public LambdaInvocation(String requestId, Status status, byte[] payload, Duration duration) {
        this(requestId, status, payload, duration, null, null, null, -1);
    }

    /**
     * Creates an outcome.
     *
     * @param requestId the invocation's request id; required
     * @param status how it ended; required
     * @param payload the response or error JSON; required
     * @param duration how long the caller waited; required
     * @param invocationDuration from the event's delivery to the runtime's answer, or null when it was never
     *     delivered
     * @param initDuration the init phase of the environment this invocation started, or null when it found one
     *     running (or none ever initialised)
     * @param restoreDuration the SnapStart restore phase before this invocation, or null
     * @param maxMemoryUsedBytes the runtime process's peak resident set size when it answered, or -1 if unknown
     */
    public LambdaInvocation(String requestId, Status status, byte[] payload, Duration duration,
            Duration invocationDuration, Duration initDuration, Duration restoreDuration, long maxMemoryUsedBytes) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.status = Objects.requireNonNull(status, "status");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.duration = Objects.requireNonNull(duration, "duration");
        this.invocationDuration = invocationDuration;
        this.initDuration = initDuration;
        this.restoreDuration = restoreDuration;
        this.maxMemoryUsedBytes = maxMemoryUsedBytes;
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
     * @return how long the caller waited, from the call to {@code invoke} to the answer; on a cold start that is
     *     launch to first response (process start, init and the invocation)
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Returns Lambda's <em>Duration</em>: from the moment the runtime took the event to the moment its response (or
     * error) had been posted in full.
     *
     * @return the invocation's duration, or empty when the event was never delivered (init failure, crash before
     *     the poll, timeout waiting for the runtime)
     */
    public Optional<Duration> invocationDuration() {
        return Optional.ofNullable(invocationDuration);
    }

    /**
     * Returns Lambda's <em>Init Duration</em>: from launching the runtime to its first request for work
     * ({@code invocation/next}, or {@code restore/next} under SnapStart, where the snapshot would be taken).
     *
     * @return the init phase, present only on the invocation that started the environment
     */
    public Optional<Duration> initDuration() {
        return Optional.ofNullable(initDuration);
    }

    /**
     * Returns the SnapStart restore phase before this invocation: from the answer to {@code restore/next} to the
     * runtime's first poll (its {@code afterRestore} hooks). No snapshot is restored locally, so this is not the
     * <em>Restore Duration</em> Lambda bills, only the runtime's part of it.
     *
     * @return the restore phase, present only on the first invocation of a SnapStart environment
     */
    public Optional<Duration> restoreDuration() {
        return Optional.ofNullable(restoreDuration);
    }

    /**
     * Returns Lambda's <em>Max Memory Used</em> as measured here: the runtime process's peak resident set size
     * ({@code VmHWM}) right after it answered.
     *
     * @return the peak resident set size in bytes, or empty where {@code /proc} is not readable or the process is gone
     */
    public OptionalLong maxMemoryUsedBytes() {
        return maxMemoryUsedBytes < 0 ? OptionalLong.empty() : OptionalLong.of(maxMemoryUsedBytes);
    }

    /**
     * Returns a copy with another duration.
     *
     * @param newDuration the duration; required
     * @return the copy
     */
    public LambdaInvocation withDuration(Duration newDuration) {
        return new LambdaInvocation(requestId, status, payload, newDuration, invocationDuration, initDuration,
                restoreDuration, maxMemoryUsedBytes);
    }

    LambdaInvocation withEnvironment(Duration init, Duration restore, long maxMemory) {
        return new LambdaInvocation(requestId, status, payload, duration, invocationDuration, init, restore,
                maxMemory);
    }

    LambdaInvocation withPayload(byte[] newPayload) {
        return new LambdaInvocation(requestId, status, newPayload, duration, invocationDuration, initDuration,
                restoreDuration, maxMemoryUsedBytes);
    }

    /**
     * Returns the line Lambda writes at the end of an invocation, for example {@code REPORT RequestId: ...
     * Duration: 12.34 ms Memory Size: 512 MB Max Memory Used: 98 MB Init Duration: 456.78 ms},
     * fields separated by tabs.
     *
     * @param memorySizeMb the function's memory size
     * @return the report line; fields this invocation does not have are left out, and so is Billed Duration, whose
     *     rules (which phases are billed) are Lambda's to say
     */
    public String reportLine(int memorySizeMb) {
        StringBuilder b = new StringBuilder("REPORT RequestId: ").append(requestId);
        if (invocationDuration != null) {
            double ms = invocationDuration.toNanos() / 1e6;
            b.append("\tDuration: ").append(String.format(Locale.ROOT, "%.2f", ms)).append(" ms");
        }
        b.append("\tMemory Size: ").append(memorySizeMb).append(" MB");
        if (maxMemoryUsedBytes >= 0) {
            b.append("\tMax Memory Used: ").append(Math.round(maxMemoryUsedBytes / 1024.0 / 1024.0)).append(" MB");
        }
        if (initDuration != null) {
            b.append("\tInit Duration: ").append(String.format(Locale.ROOT, "%.2f", initDuration.toNanos() / 1e6))
                    .append(" ms");
        }
        if (restoreDuration != null) {
            b.append("\tRestore Duration: ")
                    .append(String.format(Locale.ROOT, "%.2f", restoreDuration.toNanos() / 1e6)).append(" ms");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "LambdaInvocation{requestId=" + requestId + ", status=" + status + ", payloadBytes=" + payload.length
                + ", duration=" + duration + (invocationDuration == null ? "" : ", invocationDuration="
                + invocationDuration) + (initDuration == null ? "" : ", initDuration=" + initDuration) + "}";
    }
}
