package dev.vpclattice.local.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose client takes longer than a bound to deliver a request's headers: from the moment the
 * connection opens (so a slow TLS handshake counts too) or, on a kept-alive connection, from the first byte of the
 * next request, until the handler receives it. A connection that is idle between requests is left to the
 * connector's idle timeout.
 *
 * <p>Jetty has no such bound itself (its idle timeout restarts with every byte, so one byte a second holds a
 * connection forever). A sweep on Jetty's scheduler checks the connections a few times per bound; the bound is
 * therefore kept within one sweep interval.
 */
public final class HeaderDeadlines implements Connection.Listener {
    private final long boundNanos;
    private final long sweepMillis;
    private final Map<Connection, State> connections = new ConcurrentHashMap<>();
    private volatile Scheduler scheduler;
    private volatile boolean stopped;

    /** What is known about one connection; written by Jetty's threads and the sweep. */
    private static final class State {
        volatile long waitingSince;
        volatile boolean busy;
        volatile long bytesWhenIdle;
    }

    /**
     * Creates the listener; {@link #start(Scheduler)} begins the sweeps.
     *
     * @param bound the longest time a client may take to deliver a request's headers
     */
    public HeaderDeadlines(Duration bound) {
        this.boundNanos = bound.toNanos();
        this.sweepMillis = Math.max(20, Math.min(250, bound.toMillis() / 10));
    }

    /**
     * Starts sweeping on the scheduler.
     *
     * @param scheduler the connector's scheduler, already started
     */
    public void start(Scheduler scheduler) {
        this.scheduler = scheduler;
        scheduleSweep();
    }

    /** Stops sweeping. */
    public void stop() {
        stopped = true;
        connections.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        // The TLS layer's connection opens first, with the HTTP one on top of it: the HTTP one is the one the handler
        // sees, and its byte count is of decrypted request bytes.
        if (!(connection instanceof SslConnection)) {
            State state = new State();
            state.waitingSince = System.nanoTime();
            connections.put(connection, state);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        connections.remove(connection);
    }

    /**
     * The handler received a request on this connection: its headers are complete.
     *
     * @param connection the request's connection
     */
    public void requestStarted(Connection connection) {
        State state = connections.get(connection);
        if (state != null) {
            state.busy = true;
            state.waitingSince = 0;
        }
    }

    /**
     * The answer to the connection's request is complete: the connection is idle until the next request's bytes.
     *
     * @param connection the request's connection
     */
    public void requestFinished(Connection connection) {
        State state = connections.get(connection);
        if (state != null) {
            state.bytesWhenIdle = connection.getBytesIn();
            state.waitingSince = 0;
            state.busy = false;
        }
    }

    private void scheduleSweep() {
        Scheduler current = scheduler;
        if (!stopped && current != null && current.isRunning()) {
            current.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            connections.forEach((connection, state) -> {
                if (state.busy) {
                    return;
                }
                long since = state.waitingSince;
                if (since == 0) {
                    if (connection.getBytesIn() > state.bytesWhenIdle) {
                        state.waitingSince = now;
                    }
                } else if (now - since > boundNanos) {
                    connections.remove(connection);
                    connection
                            .getEndPoint()
                            .close(new java.util.concurrent.TimeoutException(
                                    "the request headers were not complete within " + Duration.ofNanos(boundNanos)));
                }
            });
        } finally {
            scheduleSweep();
        }
    }
}
