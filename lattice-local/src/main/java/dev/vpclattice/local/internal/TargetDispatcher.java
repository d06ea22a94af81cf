package dev.vpclattice.local.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.VirtualThreads;

/**
 * Runs authorized requests against the target, at most a fixed number at once, on threads of its own: a request that
 * waits for the target waits in a bounded queue and holds no server thread. Before a queued request runs, its client
 * is checked; one that has gone is dropped rather than invoked.
 *
 * <p>Workers are virtual threads where the JVM has them (Java 21+), else daemon platform threads, never more than the
 * concurrency. Thread-safe.
 */
public final class TargetDispatcher implements AutoCloseable {
    /** One request's work, as the dispatcher sees it. */
    public interface Job {
        /**
         * Whether the client is gone, checked just before the job would run.
         *
         * @return true to drop the job instead of running it
         */
        boolean clientGone();

        /** Invokes the target and answers the client. Runs on a worker thread; may block. */
        void run();

        /** The client left while the job was queued: record it and release the request without invoking. */
        void dropped();

        /** The dispatcher is closing: release the request without invoking. */
        void cancelled();
    }

    private final int concurrency;
    private final int queueLimit;
    private final Executor workers;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private int running;
    private boolean closed;

    /**
     * Creates a dispatcher.
     *
     * @param concurrency how many jobs run at once, at least 1
     * @param queueLimit how many more may wait, at least 0
     * @param threadName the prefix of the workers' names
     */
    public TargetDispatcher(int concurrency, int queueLimit, String threadName) {
        if (concurrency < 1 || queueLimit < 0) {
            throw new IllegalArgumentException("concurrency must be at least 1 and queueLimit at least 0, not "
                    + concurrency + " and " + queueLimit);
        }
        this.concurrency = concurrency;
        this.queueLimit = queueLimit;
        Executor virtual = VirtualThreads.getNamedVirtualThreadsExecutor(threadName);
        this.workers = virtual != null ? virtual : platformThreads(threadName);
    }

    /**
     * Idle threads are reused and end after 30 s. The pool itself is unbounded: {@link #submit} starts a worker only
     * below the concurrency, but a worker that just finished may not be idle yet when the next one starts.
     */
    private static Executor platformThreads(String threadName) {
        return new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Runs the job now if fewer than the concurrency run, else queues it if the queue has room.
     *
     * @param job the job; required
     * @return false when the queue is full or the dispatcher closed: the caller answers the client itself
     */
    public boolean submit(Job job) {
        Objects.requireNonNull(job, "job");
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (running >= concurrency) {
                if (queue.size() >= queueLimit) {
                    return false;
                }
                queue.addLast(job);
                return true;
            }
            running++;
        }
        workers.execute(() -> work(job));
        return true;
    }

    /**
     * How many jobs wait for a worker.
     *
     * @return the queue's length
     */
    public synchronized int queued() {
        return queue.size();
    }

    private void work(Job first) {
        Job job = first;
        while (job != null) {
            try {
                if (job != first && job.clientGone()) {
                    job.dropped();
                } else {
                    job.run();
                }
            } catch (RuntimeException e) {
                // A job answers its own failures; nothing may stop the worker from taking the next one.
            }
            synchronized (this) {
                job = queue.pollFirst();
                if (job == null) {
                    running--;
                }
            }
        }
    }

    /** Cancels every queued job; running jobs finish. Later submissions are refused. Idempotent. */
    @Override
    public void close() {
        List<Job> cancelled;
        synchronized (this) {
            closed = true;
            cancelled = new ArrayList<>(queue);
            queue.clear();
        }
        cancelled.forEach(job -> {
            try {
                job.cancelled();
            } catch (RuntimeException e) {
                // best effort: the server is stopping
            }
        });
    }
}
