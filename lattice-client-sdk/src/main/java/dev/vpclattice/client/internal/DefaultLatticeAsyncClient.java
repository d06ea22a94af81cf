package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeCallTimeoutException;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.auth.CredentialsCache;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.call.Call;
import dev.vpclattice.client.internal.call.CallSteps;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import dev.vpclattice.client.internal.call.Failures;
import dev.vpclattice.client.internal.call.RetryPolicy;
import dev.vpclattice.client.internal.http.AsyncTransport;
import dev.vpclattice.client.internal.observe.CallObserver;
import dev.vpclattice.client.internal.observe.CompositeObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The {@link LatticeAsyncClient} implementation: the call loop of {@link DefaultLatticeClient} as a chain of
 * callbacks. The same {@link CallSteps} start the call, sign each attempt and decide after each answer or failure; the
 * {@link AsyncTransport} sends the attempt over the {@code SdkAsyncHttpClient}. No thread waits: a call with no usable
 * cached credentials continues when {@link CredentialsCache#refresh()} completes, a backoff is a task on the shared
 * {@link DeadlineTimer} (handed to the completion executor when due), and the same timer fires the call's deadline,
 * which aborts whatever the call is doing. The call's observers ({@link CallObserver}) hear the same points as on the
 * sync client, one at a time, and its end before the caller's future is completed on the completion executor.
 */
@LatticeInternalApi
public final class DefaultLatticeAsyncClient implements LatticeAsyncClient {
    private static final String CREDENTIALS_ACTIVITY = "while resolving AWS credentials";

    private final CallSteps steps;
    private final AsyncTransport transport;
    private final DeadlineTimer timer;
    private final Executor completions;
    private final ExecutorService ownedCompletions;
    private final DefaultLatticeClient.Resources resources;
    private volatile boolean closed;

    DefaultLatticeAsyncClient(
            LatticeSigner signer,
            CredentialsCache credentials,
            AsyncTransport transport,
            RetryPolicy retries,
            CompositeObserver observers,
            ObjectMapper mapper,
            Duration callTimeout,
            DeadlineTimer timer,
            Executor completions,
            ExecutorService ownedCompletions,
            DefaultLatticeClient.Resources resources) {
        this.steps = new CallSteps(signer, credentials, retries, observers, mapper, callTimeout, "LatticeAsyncClient");
        this.transport = transport;
        this.timer = timer;
        this.completions = completions;
        this.ownedCompletions = ownedCompletions;
        this.resources = resources;
    }

    /**
     * Returns a builder with the defaults documented on {@link LatticeAsyncClient.Builder}.
     *
     * @return a new builder
     */
    public static LatticeAsyncClient.Builder builder() {
        return new DefaultLatticeAsyncClientBuilder();
    }

    @Override
    public CompletableFuture<LatticeResponse> send(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        Call call;
        try {
            call = steps.begin(request, closed);
        } catch (LatticeClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        CallObserver.Observation observation = steps.observe(call);
        // The call goes on elsewhere: the caller's thread gets its trace context back.
        observation.detach();
        AsyncCall async = new AsyncCall(call, observation);
        async.start();
        return async.result;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
        if (ownedCompletions != null) {
            // Not shutdownNow: results already handed over are still delivered.
            ownedCompletions.shutdown();
        }
    }

    /** Runs on the completion executor, or here once it no longer accepts work (the client is closed). */
    private void execute(Runnable task) {
        try {
            completions.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * One call in progress. Its stages run one after another on whichever thread the previous one ended (the caller's,
     * an I/O thread, the credentials thread, the completion executor); the deadline and the caller's cancel may come
     * from other threads at any time, so every change of stage and the end of the call happen under this object's
     * lock, and the first to end the call wins. Observers are told under a second lock, taken before this object's
     * when both are needed, so that they hear about the call one point at a time and in order.
     */
    private final class AsyncCall {
        final CompletableFuture<LatticeResponse> result = new CompletableFuture<>();
        private final Call call;
        private final CallObserver.Observation observation;
        private final Object observing = new Object();
        private volatile DeadlineTimer.Timeout deadline;
        // Guarded by this.
        private boolean finished;
        private boolean waitingForCredentials;
        private AsyncTransport.Exchange exchange;
        private int exchangeAttempt;
        private int attemptsDone;
        private DeadlineTimer.Timeout retry;
        private IOException lastFailure;
        private boolean attemptOpen;
        private long attemptSentNanos;

        AsyncCall(Call call, CallObserver.Observation observation) {
            this.call = call;
            this.observation = observation;
        }

        void start() {
            deadline = timer.schedule(call.deadlineNanos(), this::onDeadline);
            // A caller who cancels (or completes) the future abandons the call: stop whatever it is doing.
            result.whenComplete((response, failure) -> abandoned(failure));
            attempt();
        }

        /** Starts the next attempt: with the cached identity, or once the credentials provider has answered. */
        private void attempt() {
            try {
                synchronized (this) {
                    if (finished) {
                        return;
                    }
                }
                if (call.remainingNanos(System.nanoTime()) <= 0) {
                    finish(null, call.timedOut("", lastFailure()));
                    return;
                }
                if (!steps.signs()) {
                    send(null);
                    return;
                }
                AwsCredentialsIdentity identity = steps.cachedIdentity();
                if (identity != null) {
                    send(identity);
                    return;
                }
                synchronized (this) {
                    if (finished) {
                        return;
                    }
                    waitingForCredentials = true;
                }
                steps.refreshIdentity().whenComplete(this::onIdentity);
            } catch (Throwable e) {
                finish(null, e);
            }
        }

        private void onIdentity(AwsCredentialsIdentity identity, Throwable failure) {
            synchronized (this) {
                waitingForCredentials = false;
                if (finished) {
                    return;
                }
            }
            try {
                if (failure != null) {
                    Throwable cause = unwrap(failure);
                    finish(null, cause instanceof Error ? cause : steps.credentialsFailed(call, cause));
                    return;
                }
                send(identity);
            } catch (Throwable e) {
                finish(null, e);
            }
        }

        private void send(AwsCredentialsIdentity identity) {
            SdkHttpRequest signed = steps.prepare(call, identity);
            if (call.remainingNanos(System.nanoTime()) <= 0) {
                // Signing used up the budget: nothing was sent on this attempt.
                finish(null, call.timedOut("", lastFailure()));
                return;
            }
            if (closed) {
                finish(null, steps.closedBeforeAttempt(call));
                return;
            }
            int attempt;
            SdkHttpRequest sent;
            synchronized (observing) {
                synchronized (this) {
                    if (finished) {
                        return;
                    }
                    call.startAttempt();
                    attempt = call.attempts();
                    attemptOpen = true;
                    attemptSentNanos = System.nanoTime();
                }
                sent = observation.attemptStarted(call, signed);
            }
            AsyncTransport.Exchange started =
                    transport.exchange(call, sent, (response, failure) -> onAttemptDone(attempt, response, failure));
            boolean abort = false;
            synchronized (this) {
                if (finished) {
                    abort = true;
                } else if (attemptsDone < attempt) {
                    exchange = started;
                    exchangeAttempt = attempt;
                }
            }
            if (abort) {
                started.abort();
            }
        }

        private void onAttemptDone(int attempt, LatticeResponse response, Throwable failure) {
            synchronized (observing) {
                long sentNanos;
                synchronized (this) {
                    attemptsDone = attempt;
                    if (exchangeAttempt == attempt) {
                        exchange = null;
                    }
                    if (finished) {
                        return;
                    }
                    attemptOpen = false;
                    sentNanos = attemptSentNanos;
                }
                long nanos = System.nanoTime() - sentNanos;
                if (failure == null) {
                    observation.attemptAnswered(call, response, nanos);
                } else {
                    observation.attemptFailed(call, CallSteps.attemptFailure(failure), nanos);
                }
            }
            try {
                if (failure == null) {
                    long delay = steps.afterResponse(call, response);
                    if (delay == RetryPolicy.NO_RETRY) {
                        finish(response, null);
                    } else {
                        retryAfter(delay);
                    }
                    return;
                }
                if (failure instanceof Error) {
                    finish(null, failure);
                    return;
                }
                long delay = steps.afterFailure(call, failure, closed);
                synchronized (this) {
                    lastFailure = Failures.ioFailure(failure);
                }
                retryAfter(delay);
            } catch (Throwable e) {
                finish(null, e);
            }
        }

        /** Schedules the next attempt; the timer hands it to the completion executor when it is due. */
        private void retryAfter(long delayNanos) {
            DeadlineTimer.Timeout scheduled =
                    timer.schedule(System.nanoTime() + delayNanos, () -> execute(this::attempt));
            boolean cancel = false;
            synchronized (this) {
                if (finished) {
                    cancel = true;
                } else {
                    retry = scheduled;
                }
            }
            if (cancel) {
                scheduled.cancel();
            }
        }

        private void onDeadline() {
            LatticeCallTimeoutException timedOut;
            synchronized (this) {
                if (finished) {
                    return;
                }
                timedOut = call.timedOut(waitingForCredentials ? CREDENTIALS_ACTIVITY : "", lastFailure);
            }
            finish(null, timedOut);
        }

        private synchronized IOException lastFailure() {
            return lastFailure;
        }

        /** Ends the call once: stops what is in flight, tells the observers, completes the caller's future. */
        private void finish(LatticeResponse response, Throwable failure) {
            if (!end()) {
                return;
            }
            execute(() -> {
                ended(response, failure);
                if (failure == null) {
                    result.complete(response);
                } else {
                    result.completeExceptionally(failure);
                }
            });
        }

        private void abandoned(Throwable failure) {
            if (!end()) {
                return;
            }
            ended(
                    null,
                    failure != null
                            ? unwrap(failure)
                            : new CancellationException("The caller completed the future itself"));
        }

        /** Tells the observers that the call is over, and first that its attempt in flight, if any, failed. */
        private void ended(LatticeResponse response, Throwable failure) {
            synchronized (observing) {
                boolean open;
                long sentNanos;
                synchronized (this) {
                    open = attemptOpen;
                    attemptOpen = false;
                    sentNanos = attemptSentNanos;
                }
                if (open) {
                    observation.attemptFailed(call, failure, System.nanoTime() - sentNanos);
                }
                observation.ended(call, response, failure);
            }
        }

        /** Marks the call finished and stops the exchange, the retry and the deadline; false if it already was. */
        private boolean end() {
            AsyncTransport.Exchange running;
            DeadlineTimer.Timeout scheduled;
            synchronized (this) {
                if (finished) {
                    return false;
                }
                finished = true;
                running = exchange;
                exchange = null;
                scheduled = retry;
                retry = null;
            }
            DeadlineTimer.Timeout callDeadline = deadline;
            if (callDeadline != null) {
                callDeadline.cancel();
            }
            if (scheduled != null) {
                scheduled.cancel();
            }
            if (running != null) {
                running.abort();
            }
            return true;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
