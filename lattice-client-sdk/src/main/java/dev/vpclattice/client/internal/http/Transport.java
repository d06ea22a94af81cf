package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * How a call travels, the one part that differs between the sync and the async client: how an attempt is sent, how
 * the call waits (for credentials, before a retry) and where its result is handed over. The sync transport does all of
 * it on the caller's thread and blocks; the async one continues on whichever thread completes each step. The steps
 * themselves, and their order, are {@code CallPipeline}'s.
 */
@LatticeInternalApi
public interface Transport {

    /** An attempt in flight. */
    interface Exchange {
        /** Aborts the attempt and closes its connection; its {@link Done} is then called with the failure, if not yet. */
        void abort();
    }

    /** A wait in progress. */
    interface Wait {
        /** A wait that is over already. */
        Wait DONE = () -> false;

        /**
         * Cancels the wait.
         *
         * @return {@code true} if its continuation will not run, so the caller must continue the call itself
         */
        boolean cancel();
    }

    /** Receives the start of an attempt, then its outcome exactly once. */
    interface Done {
        /**
         * The attempt is about to go out: from now on it can be aborted. Called before {@link #done}, before the
         * transport blocks or hands the attempt to another thread.
         *
         * @param exchange the attempt
         */
        void started(Exchange exchange);

        /**
         * The attempt ended.
         *
         * @param response the answer (for a streamed 2xx answer, its status and headers only), or {@code null}
         * @param stream the body of a streamed 2xx answer, or {@code null}
         * @param failure what failed, or {@code null}
         */
        void done(LatticeResponse response, AbortableInputStream stream, Throwable failure);
    }

    /**
     * Sends one signed attempt. The sync transport calls {@code done} before returning.
     *
     * @param call the call, with its body and attempt count
     * @param request the signed request, with its trace headers
     * @param done receives the exchange to abort, then the outcome
     */
    void send(Call call, SdkHttpRequest request, Done done);

    /**
     * Continues with the outcome of a future: the sync transport waits for it until the call's deadline (then passes a
     * {@code TimeoutException}); the async one continues when it completes.
     *
     * @param call the call
     * @param future what to wait for
     * @param next the continuation
     * @param <T> the value's type
     * @return the wait, to cancel
     */
    <T> Wait await(Call call, CompletableFuture<T> future, BiConsumer<T, Throwable> next);

    /**
     * Continues after a delay: the sync transport sleeps, the async one schedules.
     *
     * @param delayNanos the delay
     * @param next the continuation; given an {@code InterruptedException} when the sleeping thread was interrupted
     * @return the wait, to cancel
     */
    Wait after(long delayNanos, Consumer<Throwable> next);

    /**
     * Runs what the call's deadline does: the sync transport on the timer thread (it only aborts an exchange), the
     * async one on the completion executor.
     *
     * @param action the deadline's action
     */
    void onDeadline(Runnable action);

    /**
     * Hands the call's result over: the sync transport at once, on the caller's thread; the async one on the
     * completion executor.
     *
     * @param delivery tells the observers and completes the result
     */
    void deliver(Runnable delivery);

    /**
     * Tells whether the call may go on: {@code false} once the client is closed.
     *
     * @return whether the client is open
     */
    boolean open();

    /** @return the public interface, named in messages, e.g. {@code LatticeClient} */
    String clientName();

    /** @return whether the call runs on the caller's thread to its end (the sync transport) */
    boolean blocking();
}
