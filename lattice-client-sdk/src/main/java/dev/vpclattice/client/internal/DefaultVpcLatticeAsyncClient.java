package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeCallTimeoutException;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.VpcLatticeAsyncClient;
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
 * The {@link VpcLatticeAsyncClient} implementation: the call loop of {@link DefaultVpcLatticeClient} as a chain of
 * callbacks. The same {@link CallSteps} start the call, sign each attempt and decide after each answer or failure; the
 * {@link AsyncTransport} sends the attempt over the {@code SdkAsyncHttpClient}. No thread waits: a call with no usable
 * cached credentials continues when {@link CredentialsCache#refresh()} completes, a backoff is a task on the shared
 * {@link DeadlineTimer} (handed to the completion executor when due), and the same timer fires the call's deadline,
 * which aborts whatever the call is doing. The caller's future is completed on the completion executor.
 */
@LatticeInternalApi
public final class DefaultVpcLatticeAsyncClient implements VpcLatticeAsyncClient {
    private static final String CREDENTIALS_ACTIVITY = "while resolving AWS credentials";

    private final CallSteps steps;
    private final AsyncTransport transport;
    private final DeadlineTimer timer;
    private final Executor completions;
    private final ExecutorService ownedCompletions;
    private final DefaultVpcLatticeClient.Resources resources;
    private volatile boolean closed;

    DefaultVpcLatticeAsyncClient(LatticeSigner signer, CredentialsCache credentials, AsyncTransport transport,
            RetryPolicy retries, Tracer tracer, ObjectMapper mapper, Duration callTimeout, DeadlineTimer timer,
            Executor completions, ExecutorService ownedCompletions, DefaultVpcLatticeClient.Resources resources) {
        this.steps = new CallSteps(signer, credentials, retries, tracer, mapper, callTimeout, "VpcLatticeAsyncClient");
        this.transport = transport;
        this.timer = timer;
        this.completions = completions;
        this.ownedCompletions = ownedCompletions;
        this.resources = resources;
    }

    /**
     * Returns a builder with the defaults documented on {@link VpcLatticeAsyncClient.Builder}.
     *
     * @return a new builder
     */
    public static VpcLatticeAsyncClient.Builder builder() {
        return new DefaultVpcLatticeAsyncClientBuilder();
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
        Tracer.Span span = steps.span(call);
        span.detach();
        AsyncCall async = new AsyncCall(call, span);
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
     * lock, and the first to end the call wins.
     */
    private final class AsyncCall {
        final CompletableFuture<LatticeResponse> result = new CompletableFuture<>();
        private final Call call;
        private final Tracer.Span span;
        private volatile DeadlineTimer.Timeout deadline;
        // Guarded by this.
        private boolean finished;
        private boolean waitingForCredentials;
        private AsyncTransport.Exchange exchange;
        private int exchangeAttempt;
        private int attemptsDone;
        private DeadlineTimer.Timeout retry;
        private IOException lastFailure;

        AsyncCall(Call call, Tracer.Span span) {
            this.call = call;
            this.span = span;
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
            SdkHttpRequest signed = steps.prepare(call, span, identity);
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
            synchronized (this) {
                if (finished) {
                    return;
                }
                call.startAttempt();
                attempt = call.attempts();
            }
            AsyncTransport.Exchange started = transport.exchange(call, signed,
                    (response, failure) -> onAttemptDone(attempt, response, failure));
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
            synchronized (this) {
                attemptsDone = attempt;
                if (exchangeAttempt == attempt) {
                    exchange = null;
                }
                if (finished) {
                    return;
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
            DeadlineTimer.Timeout scheduled = timer.schedule(System.nanoTime() + delayNanos,
                    () -> execute(this::attempt));
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

        /** Ends the call once: stops what is in flight, records the span, completes the caller's future. */
        private void finish(LatticeResponse response, Throwable failure) {
            if (!end()) {
                return;
            }
            if (failure == null) {
                span.response(response.statusCode(), response.bodyLength());
            } else {
                span.failure(failure);
            }
            span.end();
            execute(() -> {
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
            span.failure(failure != null ? unwrap(failure)
                    : new CancellationException("The caller completed the future itself"));
            span.end();
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
