package dev.vpclattice.lambda.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The outcome of one {@link LocalLambda#invoke(byte[])}: how it ended, what the function (or the runtime, on
 * failure) answered, and the times Lambda reports for it: <em>Duration</em> ({@link #invocationDuration()}),
 * <em>Init Duration</em> ({@link #initDuration()}, on the invocation that started the environment), <em>Restore
 * Duration</em> under SnapStart, <em>Max Memory Used</em> ({@link #maxMemoryUsedBytes()}), and how long the caller
 * waited ({@link #duration()}: launch to first response on a cold start). Beyond Lambda's figures, the runtime
 * process's CPU time ({@link #initCpuTime()}, {@link #cpuTime()}, {@link #processCpuTime()}), which a busy machine
 * distorts far less than wall time, and, when {@link LocalLambda.Builder#classLoadLog(java.nio.file.Path)} is set,
 * how many classes it had loaded at each phase.
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
    private final Usage usage;

    /** CPU nanoseconds and cumulative class counts; -1 where unknown. */
    record Usage(
            long initCpuNanos,
            long cpuNanos,
            long processCpuNanos,
            int classesAtInitEnd,
            int classesAtDelivery,
            int classesAtAnswer) {
        static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, -1, -1);
    }

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
    public LambdaInvocation(
            String requestId,
            Status status,
            byte[] payload,
            Duration duration,
            Duration invocationDuration,
            Duration initDuration,
            Duration restoreDuration,
            long maxMemoryUsedBytes) {
        this(
                requestId,
                status,
                payload,
                duration,
                invocationDuration,
                initDuration,
                restoreDuration,
                maxMemoryUsedBytes,
                Usage.UNKNOWN);
    }

    private LambdaInvocation(
            String requestId,
            Status status,
            byte[] payload,
            Duration duration,
            Duration invocationDuration,
            Duration initDuration,
            Duration restoreDuration,
            long maxMemoryUsedBytes,
            Usage usage) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.status = Objects.requireNonNull(status, "status");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.duration = Objects.requireNonNull(duration, "duration");
        this.invocationDuration = invocationDuration;
        this.initDuration = initDuration;
        this.restoreDuration = restoreDuration;
        this.maxMemoryUsedBytes = maxMemoryUsedBytes;
        this.usage = usage;
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
     * Returns Lambda's <em>Max Memory Used</em> as LocalLambda measures it: the runtime process's peak resident set size
     * ({@code VmHWM}) right after it answered.
     *
     * @return the peak resident set size in bytes, or empty where {@code /proc} is not readable or the process is gone
     */
    public OptionalLong maxMemoryUsedBytes() {
        return maxMemoryUsedBytes < 0 ? OptionalLong.empty() : OptionalLong.of(maxMemoryUsedBytes);
    }

    /**
     * Returns the CPU time (user + system, all threads) the runtime process used from its launch to the end of init,
     * as {@code /proc/PID/stat} counts it, in steps of 10 ms. Unlike {@link #initDuration()} it leaves out the time
     * the process waited for a CPU, so it changes less with the machine's load.
     *
     * @return the init phase's CPU time, present only on the invocation that started the environment (Linux only)
     */
    public Optional<Duration> initCpuTime() {
        return nanos(usage.initCpuNanos());
    }

    /**
     * Returns the CPU time (user + system) the runtime process's threads used during this invocation, from the
     * event's delivery to the answer: the same span as {@link #invocationDuration()}. Read from each thread's
     * {@code /proc/PID/task/TID/schedstat} in nanoseconds; a thread that ended during the invocation is not counted.
     *
     * @return the invocation's CPU time, or empty when it was never delivered or this is not Linux
     */
    public Optional<Duration> cpuTime() {
        return nanos(usage.cpuNanos());
    }

    /**
     * Returns the CPU time (user + system, all threads) the runtime process had used since its launch when it
     * answered, in steps of 10 ms: on a cold start, the CPU share of launch to first response.
     *
     * @return the process's CPU time so far, or empty when unknown (not Linux, no answer)
     */
    public Optional<Duration> processCpuTime() {
        return nanos(usage.processCpuNanos());
    }

    /**
     * Returns how many classes the runtime had loaded when its init ended (the lines of the class-load log).
     *
     * @return the count, present only when a class-load log is set and on the invocation that started the
     *     environment
     */
    public OptionalInt classesLoadedAtInitEnd() {
        return count(usage.classesAtInitEnd());
    }

    /**
     * Returns how many classes the runtime had loaded when the event was delivered.
     *
     * @return the count, present only when a class-load log is set and the event was delivered
     */
    public OptionalInt classesLoadedAtDelivery() {
        return count(usage.classesAtDelivery());
    }

    /**
     * Returns how many classes the runtime had loaded when it answered: the classes of lines
     * {@link #classesLoadedAtDelivery()} to this one of the class-load log were loaded during the invocation.
     *
     * @return the count, present only when a class-load log is set and the runtime answered
     */
    public OptionalInt classesLoadedAtAnswer() {
        return count(usage.classesAtAnswer());
    }

    private static Optional<Duration> nanos(long value) {
        return value < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(value));
    }

    private static OptionalInt count(int value) {
        return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /**
     * Returns a copy with another duration.
     *
     * @param newDuration the duration; required
     * @return the copy
     */
    public LambdaInvocation withDuration(Duration newDuration) {
        return new LambdaInvocation(
                requestId,
                status,
                payload,
                newDuration,
                invocationDuration,
                initDuration,
                restoreDuration,
                maxMemoryUsedBytes,
                usage);
    }

    LambdaInvocation withEnvironment(Duration init, Duration restore, long maxMemory, Usage newUsage) {
        return new LambdaInvocation(
                requestId, status, payload, duration, invocationDuration, init, restore, maxMemory, newUsage);
    }

    LambdaInvocation withPayload(byte[] newPayload) {
        return new LambdaInvocation(
                requestId,
                status,
                newPayload,
                duration,
                invocationDuration,
                initDuration,
                restoreDuration,
                maxMemoryUsedBytes,
                usage);
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
            b.append("\tDuration: ")
                    .append(String.format(Locale.ROOT, "%.2f", ms))
                    .append(" ms");
        }
        b.append("\tMemory Size: ").append(memorySizeMb).append(" MB");
        if (maxMemoryUsedBytes >= 0) {
            b.append("\tMax Memory Used: ")
                    .append(Math.round(maxMemoryUsedBytes / 1024.0 / 1024.0))
                    .append(" MB");
        }
        if (initDuration != null) {
            b.append("\tInit Duration: ")
                    .append(String.format(Locale.ROOT, "%.2f", initDuration.toNanos() / 1e6))
                    .append(" ms");
        }
        if (restoreDuration != null) {
            b.append("\tRestore Duration: ")
                    .append(String.format(Locale.ROOT, "%.2f", restoreDuration.toNanos() / 1e6))
                    .append(" ms");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "LambdaInvocation{requestId=" + requestId + ", status=" + status + ", payloadBytes=" + payload.length
                + ", duration=" + duration
                + (invocationDuration == null ? "" : ", invocationDuration=" + invocationDuration)
                + (initDuration == null ? "" : ", initDuration=" + initDuration) + "}";
    }
}
