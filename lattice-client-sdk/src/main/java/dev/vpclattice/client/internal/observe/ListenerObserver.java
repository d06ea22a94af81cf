package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Tells a client's {@link LatticeCallListener}s about each attempt, in the order they were added, and keeps a listener
 * that throws from failing the call. Holds no per-call state: the call carries it.
 */
@LatticeInternalApi
public final class ListenerObserver implements CallObserver, CallObserver.Observation {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerObserver.class);

    private final LatticeCallListener[] listeners;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * Creates the notifier.
     *
     * @param listeners the listeners, in order; not empty
     */
    public ListenerObserver(List<LatticeCallListener> listeners) {
        this.listeners = listeners.toArray(new LatticeCallListener[0]);
    }

    @Override
    public Observation start(Call call) {
        return this;
    }

    @Override
    public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
        Started event = new Started(call.request(), call.attempts(), sinceStart(call));
        for (LatticeCallListener listener : listeners) {
            try {
                listener.attemptStarted(event);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                threw(listener, "attemptStarted", e);
            }
        }
        return signed;
    }

    @Override
    public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {
        Answered event = new Answered(
                call.request(), call.attempts(), sinceStart(call), response, Duration.ofNanos(durationNanos));
        for (LatticeCallListener listener : listeners) {
            try {
                listener.attemptResponse(event);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                threw(listener, "attemptResponse", e);
            }
        }
    }

    @Override
    public void attemptFailed(Call call, Throwable failure, long durationNanos) {
        Failed event =
                new Failed(call.request(), call.attempts(), sinceStart(call), failure, Duration.ofNanos(durationNanos));
        for (LatticeCallListener listener : listeners) {
            try {
                listener.attemptFailure(event);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                threw(listener, "attemptFailure", e);
            }
        }
    }

    @Override
    public void ended(Call call, LatticeResponse response, Throwable failure) {}

    private static Duration sinceStart(Call call) {
        return Duration.ofNanos(System.nanoTime() - call.startNanos());
    }

    private void threw(LatticeCallListener listener, String method, Throwable e) {
        // Once at WARN so that a broken listener is noticed, then at DEBUG so that it cannot flood the log.
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "A LatticeCallListener ({}) threw from {}; the call goes on, and later failures of this client's"
                            + " listeners are logged at DEBUG",
                    listener.getClass().getName(),
                    method,
                    e);
        } else {
            LOG.debug(
                    "A LatticeCallListener ({}) threw from {}; the call goes on",
                    listener.getClass().getName(),
                    method,
                    e);
        }
    }

    /** The fields every event has. */
    private abstract static class Event implements LatticeCallListener.AttemptEvent {
        private final LatticeRequest request;
        private final int attempt;
        private final Duration sinceCallStart;

        Event(LatticeRequest request, int attempt, Duration sinceCallStart) {
            this.request = request;
            this.attempt = attempt;
            this.sinceCallStart = sinceCallStart;
        }

        @Override
        public LatticeRequest request() {
            return request;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Duration sinceCallStart() {
            return sinceCallStart;
        }
    }

    private static final class Started extends Event implements LatticeCallListener.AttemptStarted {
        Started(LatticeRequest request, int attempt, Duration sinceCallStart) {
            super(request, attempt, sinceCallStart);
        }

        @Override
        public String toString() {
            return "AttemptStarted[" + request() + ", attempt " + attempt() + "]";
        }
    }

    private static final class Answered extends Event implements LatticeCallListener.AttemptResponse {
        private final LatticeResponse response;
        private final Duration duration;

        Answered(
                LatticeRequest request,
                int attempt,
                Duration sinceCallStart,
                LatticeResponse response,
                Duration duration) {
            super(request, attempt, sinceCallStart);
            this.response = response;
            this.duration = duration;
        }

        @Override
        public LatticeResponse response() {
            return response;
        }

        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public Duration duration() {
            return duration;
        }

        @Override
        public String toString() {
            return "AttemptResponse[" + request() + ", attempt " + attempt() + ", status " + statusCode() + ", "
                    + duration.toNanos() / 1000 + " µs]";
        }
    }

    private static final class Failed extends Event implements LatticeCallListener.AttemptFailure {
        private final Throwable failure;
        private final Duration duration;

        Failed(LatticeRequest request, int attempt, Duration sinceCallStart, Throwable failure, Duration duration) {
            super(request, attempt, sinceCallStart);
            this.failure = failure;
            this.duration = duration;
        }

        @Override
        public Throwable failure() {
            return failure;
        }

        @Override
        public Duration duration() {
            return duration;
        }

        @Override
        public String toString() {
            return "AttemptFailure[" + request() + ", attempt " + attempt() + ", "
                    + failure.getClass().getName() + ", " + duration.toNanos() / 1000 + " µs]";
        }
    }
}
