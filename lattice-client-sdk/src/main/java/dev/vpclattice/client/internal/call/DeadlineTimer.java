package dev.vpclattice.client.internal.call;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when a deadline passes unless it was cancelled first: the call timeout's abort of an exchange. One
 * daemon thread serves every client in the JVM.
 *
 * <p>Cheap when calls end in time, which is nearly always: scheduling links a node into a list kept in deadline order
 * (calls with the same timeout arrive in order, so the node goes at the tail in one step) and cancelling unlinks it.
 * The thread is woken only when a new deadline is earlier than the one it already sleeps until, so sequential calls
 * do not wake it once per call: it wakes about once per timeout period, finds the current call's later deadline and
 * sleeps again.
 */
@LatticeInternalApi
public final class DeadlineTimer {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimer.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongSupplier nanoClock;
    private final String threadName;
    /** Sentinel of a circular doubly-linked list ordered by deadline. */
    private final Timeout head = new Timeout(this, Long.MIN_VALUE, null);
    /** What the thread sleeps until; {@code Long.MAX_VALUE} while it waits for work or is not started. */
    private long wakeAt = Long.MAX_VALUE;

    private boolean started;

    DeadlineTimer(LongSupplier nanoClock, String threadName) {
        this.nanoClock = nanoClock;
        this.threadName = threadName;
        head.next = head;
        head.previous = head;
    }

    /**
     * Returns the timer shared by all clients in this JVM.
     *
     * @return the timer
     */
    public static DeadlineTimer shared() {
        return Shared.INSTANCE;
    }

    /**
     * Runs {@code action} on the timer thread once {@code System.nanoTime()} reaches {@code deadlineNanos}, unless
     * the returned timeout is cancelled first.
     *
     * @param deadlineNanos the deadline on the {@code System.nanoTime()} scale
     * @param action what to do; must be quick and must not throw
     * @return the scheduled timeout
     */
    public Timeout schedule(long deadlineNanos, Runnable action) {
        Timeout timeout = new Timeout(this, deadlineNanos, action);
        lock.lock();
        try {
            Timeout before = head.previous;
            while (before != head && before.deadline - deadlineNanos > 0) {
                before = before.previous;
            }
            timeout.previous = before;
            timeout.next = before.next;
            before.next.previous = timeout;
            before.next = timeout;
            if (!started) {
                start();
            } else if (deadlineNanos - wakeAt < 0) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
        return timeout;
    }

    private void start() {
        Thread thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
        started = true;
    }

    private boolean cancel(Timeout timeout) {
        lock.lock();
        try {
            if (timeout.next == null) {
                return false;
            }
            timeout.previous.next = timeout.next;
            timeout.next.previous = timeout.previous;
            timeout.next = null;
            timeout.previous = null;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        lock.lock();
        try {
            while (true) {
                Timeout first = head.next;
                if (first == head) {
                    wakeAt = Long.MAX_VALUE;
                    changed.awaitUninterruptibly();
                    continue;
                }
                long now = nanoClock.getAsLong();
                long wait = first.deadline - now;
                if (wait > 0) {
                    wakeAt = first.deadline;
                    changed.awaitNanos(wait);
                    continue;
                }
                head.next = first.next;
                first.next.previous = head;
                first.next = null;
                first.previous = null;
                lock.unlock();
                try {
                    first.action.run();
                } catch (RuntimeException e) {
                    LOG.warn("A call-timeout action failed: {}", e.toString());
                } finally {
                    lock.lock();
                }
            }
        } catch (InterruptedException e) {
            // Never interrupted by this library; leave quietly if someone else does.
            Thread.currentThread().interrupt();
        } finally {
            started = false;
            wakeAt = Long.MAX_VALUE;
            lock.unlock();
        }
    }

    /** One scheduled action. */
    public static final class Timeout {
        private final DeadlineTimer timer;
        private final long deadline;
        private final Runnable action;
        private Timeout next;
        private Timeout previous;

        Timeout(DeadlineTimer timer, long deadline, Runnable action) {
            this.timer = timer;
            this.deadline = deadline;
            this.action = action;
        }

        /**
         * Cancels the action if it has not started.
         *
         * @return {@code true} if it was cancelled in time, {@code false} if it already ran or is running
         */
        public boolean cancel() {
            return timer.cancel(this);
        }
    }

    private static final class Shared {
        static final DeadlineTimer INSTANCE = new DeadlineTimer(System::nanoTime, "lattice-client-deadlines");
    }
}
