package dev.vpclattice.local.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is slow: Jetty calls back when bytes arrive, and a
 * timer on Jetty's scheduler ends the read at its deadline. It either keeps the bytes, up to a limit, or discards
 * them, up to a bound. The outcome is delivered once.
 */
final class RequestBody implements Runnable {
    /** How a read ended. */
    sealed interface Outcome permits Complete, TooLarge, Failed, TimedOut {}

    /**
     * The whole body arrived.
     *
     * @param bytes the body, or null when it was discarded
     */
    record Complete(byte[] bytes) implements Outcome {}

    /** The body passed the limit; what is left of it is unread. */
    record TooLarge() implements Outcome {}

    /**
     * The body could not be read: a malformed chunk, a reset, the server stopping.
     *
     * @param cause why
     */
    record Failed(Throwable cause) implements Outcome {}

    /** The body was not complete by the deadline; the request is failed, so the connection will close. */
    record TimedOut() implements Outcome {}

    private final Request request;
    private final long limit;
    private final boolean keep;
    private final Consumer<Outcome> done;
    private final ByteArrayOutputStream bytes;
    private final AtomicBoolean finished = new AtomicBoolean();
    private long seen;
    private volatile Scheduler.Task timer;
    private volatile boolean expired;

    private RequestBody(Request request, long limit, boolean keep, Consumer<Outcome> done) {
        this.request = request;
        this.limit = limit;
        this.keep = keep;
        this.done = done;
        this.bytes = keep ? new ByteArrayOutputStream() : null;
    }

    /**
     * Reads the body into memory.
     *
     * @param request the request
     * @param limit the most bytes kept; one more byte ends the read with {@link TooLarge}
     * @param timeout the deadline for the whole body
     * @param done receives the outcome, on a Jetty or scheduler thread
     */
    static void collect(Request request, int limit, Duration timeout, Consumer<Outcome> done) {
        new RequestBody(request, limit, true, done).start(timeout);
    }

    /**
     * Reads the body and throws it away.
     *
     * @param request the request
     * @param limit the most bytes read; past it the read ends with {@link TooLarge}
     * @param timeout the deadline for the rest of the body
     * @param done receives the outcome, on a Jetty or scheduler thread
     */
    static void discard(Request request, long limit, Duration timeout, Consumer<Outcome> done) {
        new RequestBody(request, limit, false, done).start(timeout);
    }

    private void start(Duration timeout) {
        timer = request.getComponents()
                .getScheduler()
                .schedule(this::timeOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        run();
    }

    @Override
    public void run() {
        try {
            while (!finished.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // The deadline fails the request to stop the read, and that failure can reach this thread first;
                    // Jetty's idle timeout fails it the same way. Either is a client too slow with its body: 408.
                    boolean slow = expired || chunk.getFailure() instanceof TimeoutException;
                    finish(slow ? new TimedOut() : new Failed(chunk.getFailure()));
                    return;
                }
                seen += chunk.remaining();
                if (seen > limit) {
                    chunk.release();
                    finish(new TooLarge());
                    return;
                }
                if (keep) {
                    ByteBuffer buffer = chunk.getByteBuffer();
                    byte[] copy = new byte[buffer.remaining()];
                    buffer.get(copy);
                    bytes.write(copy, 0, copy.length);
                }
                // Trailers (a chunked body's trailer fields) end the body; an event has no place for them.
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    finish(new Complete(keep ? bytes.toByteArray() : null));
                    return;
                }
            }
        } catch (RuntimeException e) {
            finish(new Failed(e));
        }
    }

    private void timeOut() {
        if (!finished.get()) {
            expired = true;
            request.fail(new TimeoutException("the request body was not complete in time"));
            finish(new TimedOut());
        }
    }

    private void finish(Outcome outcome) {
        if (finished.compareAndSet(false, true)) {
            Scheduler.Task pending = timer;
            if (pending != null) {
                pending.cancel();
            }
            done.accept(outcome);
        }
    }
}
