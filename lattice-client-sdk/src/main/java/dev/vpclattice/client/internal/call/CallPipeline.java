package dev.vpclattice.client.internal.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeClientException.FailureKind;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.DefaultObjectMapper;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.auth.CredentialsCache;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.discovery.ServiceEndpoint;
import dev.vpclattice.client.internal.http.BodySource;
import dev.vpclattice.client.internal.http.HttpRequestFactory;
import dev.vpclattice.client.internal.http.Transport;
import dev.vpclattice.client.internal.observe.CallObserver;
import dev.vpclattice.client.internal.observe.CompositeObserver;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A client's calls, step by step and in order: aim the request, get credentials, sign, send, observe the answer, and
 * retry or end. Written once for both clients; the {@link Transport} is the only part that differs between them. Each
 * call is an {@link Execution}, whose methods below run in the order they are written. Thread-safe.
 */
@LatticeInternalApi
public final class CallPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(CallPipeline.class);
    private static final String CREDENTIALS_ACTIVITY = "while resolving AWS credentials";
    private static final String PRIMING_URL = "https://priming.invalid";
    private static final AwsCredentialsIdentity PRIMING_CREDENTIALS =
            AwsCredentialsIdentity.create("AKIDPRIMINGONLY00000", "priming-only-not-a-secret");

    private final LatticeSigner signer;
    private final HttpRequestFactory requests;
    private final CredentialsCache credentials;
    private final RetryPolicy retries;
    private final CompositeObserver observers;
    private final ObjectMapper mapper;
    private final Duration callTimeout;
    private final ServiceEndpoint serviceEndpoint;
    private final DeadlineTimer timer;
    private final long expectContinueThreshold;

    /**
     * Creates the pipeline.
     *
     * @param signer the signer
     * @param credentials the credentials cache, or {@code null} when the client does not sign
     * @param retries the retry policy
     * @param observers the observers of calls (tracers, listeners, wire log)
     * @param mapper the caller's mapper, or {@code null} for the library's default
     * @param callTimeout the client's call timeout
     * @param serviceEndpoint where requests without a url go, or {@code null}
     * @param timer the timer of the calls' deadlines
     * @param expectContinueThreshold bodies longer than this many bytes are sent with {@code Expect: 100-continue}
     */
    public CallPipeline(
            LatticeSigner signer,
            CredentialsCache credentials,
            RetryPolicy retries,
            CompositeObserver observers,
            ObjectMapper mapper,
            Duration callTimeout,
            ServiceEndpoint serviceEndpoint,
            DeadlineTimer timer,
            long expectContinueThreshold) {
        this.signer = signer;
        this.requests = new HttpRequestFactory(signer.mode());
        this.credentials = credentials;
        this.retries = retries;
        this.observers = observers;
        this.mapper = mapper;
        this.callTimeout = callTimeout;
        this.serviceEndpoint = serviceEndpoint;
        this.timer = timer;
        this.expectContinueThreshold = expectContinueThreshold;
    }

    /**
     * Starts a call. With the sync transport it has ended when this returns.
     *
     * @param request the caller's request
     * @param streamed whether a 2xx answer's body is handed over as a stream
     * @param transport how the call travels
     * @return the call, whose {@link Execution#result()} completes when it ends
     */
    public Execution start(LatticeRequest request, boolean streamed, Transport transport) {
        Execution execution = new Execution(transport);
        execution.aim(request, streamed);
        return execution;
    }

    private boolean signs() {
        return signer.mode() != SigningMode.NONE;
    }

    /** One call in progress; its stages may run on different threads, one at a time. */
    public final class Execution {
        private final CompletableFuture<LatticeResponse> result = new CompletableFuture<>();
        private final Transport transport;
        /** Observers hear about the call one point at a time, in order; taken before {@code this} when both are. */
        private final Object observing = new Object();

        private Call call;
        private CallObserver.Observation observation = CallObserver.Observation.NONE;
        private DeadlineTimer.Timeout deadline;
        // Guarded by this.
        private boolean finished;
        private boolean expired;
        private boolean waitingForCredentials;
        private boolean attemptOpen;
        private long attemptSentNanos;
        private Transport.Exchange exchange;
        private int exchangeAttempt;
        private int attemptsDone;
        private int waitToken;
        private boolean waitActive;
        private Transport.Wait wait;
        private Runnable onWaitCancelled;
        private Throwable lastFailure;
        private AbortableInputStream stream;

        Execution(Transport transport) {
            this.transport = transport;
        }

        /** @return completes with the response, or exceptionally with the call's {@link LatticeClientException} */
        public CompletableFuture<LatticeResponse> result() {
            return result;
        }

        /** @return the body of a streamed 2xx answer, once {@link #result()} has completed; else {@code null} */
        public synchronized AbortableInputStream stream() {
            return stream;
        }

        // 1. Aim: the request's target, the checks that refuse it before anything is sent, its body, its deadline and
        // its observation (started on the caller's thread, where tracers find the caller's trace context).
        void aim(LatticeRequest request, boolean streamed) {
            Call probe = new Call(request, request.callTimeout().orElse(callTimeout), System.nanoTime(), streamed);
            if (!transport.open()) {
                result.completeExceptionally(
                        probe.failed("was not sent: this " + transport.clientName() + " is closed", null));
                return;
            }
            LatticeRequest aimed = request;
            if (!request.hasUrl()) {
                if (serviceEndpoint == null) {
                    result.completeExceptionally(probe.failed(
                            "was not sent: it has no url, and this " + transport.clientName()
                                    + " was built without service(...): set LatticeRequest.Builder.url(...), or build"
                                    + " the client with LatticeClient.Builder.service(...)",
                            null));
                    return;
                }
                aimed = serviceEndpoint.resolve(request);
            }
            call = aimed == request ? probe : new Call(aimed, probe.timeout(), probe.startNanos(), streamed);
            if (!signer.schemeAllowed(aimed.scheme())) {
                result.completeExceptionally(call.failed(
                        "was not sent: " + LatticeSigner.schemeRefusedMessage("a " + signer.mode() + "-signed request"),
                        null));
                return;
            }
            try {
                call.body(body(aimed));
            } catch (LatticeClientException e) {
                result.completeExceptionally(e);
                return;
            }
            observation = observers.start(call);
            if (!transport.blocking()) {
                // The call goes on elsewhere: the caller's thread gets its trace context back.
                observation.detach();
            }
            deadline = timer.schedule(call.deadlineNanos(), () -> transport.onDeadline(this::expire));
            credentials();
        }

        private BodySource body(LatticeRequest request) {
            Optional<Object> json = request.jsonValue();
            if (json.isPresent()) {
                try {
                    return BodySource.ofBytes(
                            (mapper != null ? mapper : DefaultObjectMapper.get()).writeValueAsBytes(json.get()));
                } catch (JsonProcessingException e) {
                    // Not Jackson's message: it can quote the value.
                    throw call.failed(
                            "was not sent: its JSON body (a "
                                    + json.get().getClass().getName() + ") cannot be serialized",
                            e);
                }
            }
            if (request.bodyStream().isPresent()) {
                return BodySource.ofStream(request.bodyStream().get(), request.bodyStreamLength());
            }
            if (request.bodyFile().isPresent()) {
                try {
                    return BodySource.ofFile(request.bodyFile().get());
                } catch (UncheckedIOException e) {
                    throw call.failed("was not sent: the size of its body file cannot be read", e.getCause());
                }
            }
            byte[] bytes = request.bodyAsByteArrayUnsafe().orElse(null);
            if (bytes == null
                    && (request.method().equals("POST")
                            || request.method().equals("PUT")
                            || request.method().equals("PATCH"))) {
                bytes = new byte[0];
            }
            return bytes == null ? BodySource.NONE : BodySource.ofBytes(bytes);
        }

        // 2. Credentials: the cached identity, or the shared resolution in flight, within the deadline.
        private void credentials() {
            if (!proceed()) {
                return;
            }
            if (!signs()) {
                sign(null);
                return;
            }
            AwsCredentialsIdentity cached = credentials.cached();
            if (cached != null) {
                sign(cached);
                return;
            }
            synchronized (this) {
                waitingForCredentials = true;
            }
            int token = beginWait(() -> credentialsResolved(null, new TimeoutException()));
            registerWait(token, transport.await(call, credentials.refresh(), (identity, failure) -> {
                if (endWait(token)) {
                    credentialsResolved(identity, failure);
                }
            }));
        }

        private void credentialsResolved(AwsCredentialsIdentity identity, Throwable failure) {
            synchronized (this) {
                waitingForCredentials = false;
                if (finished) {
                    return;
                }
            }
            if (failure == null) {
                sign(identity);
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof TimeoutException || expiredOrLate()) {
                finish(null, call.timedOut(CREDENTIALS_ACTIVITY, null));
            } else if (cause instanceof Error) {
                finish(null, cause);
            } else if (cause instanceof InterruptedException) {
                finish(null, call.failed("was not sent: interrupted while resolving AWS credentials", cause));
            } else if (cause instanceof RejectedExecutionException || !transport.open()) {
                finish(null, closedDuringCall(null));
            } else {
                finish(
                        null,
                        call.failed(
                                FailureKind.CREDENTIALS,
                                true,
                                "was not sent: could not resolve AWS credentials to sign it",
                                cause));
            }
        }

        // 3. Sign: every attempt afresh, with a new date. Trace headers and Expect come after, never signed.
        private void sign(AwsCredentialsIdentity identity) {
            SdkHttpRequest signed;
            try {
                SdkHttpRequest unsigned =
                        requests.create(call.request(), call.body().contentLength());
                byte[] bytes = call.body().bytes();
                signed = signs()
                        ? signer.sign(
                                unsigned,
                                bytes == null ? null : ContentStreamProvider.fromByteArrayUnsafe(bytes),
                                identity)
                        : unsigned;
            } catch (RuntimeException e) {
                // Named by type only: a signer's message can quote the URL with its query.
                finish(null, call.failed("could not be signed (" + e.getClass().getName() + ")", null));
                return;
            }
            if (call.body().contentLength() > expectContinueThreshold) {
                // An early 413 or 403 then comes back before the body is sent, instead of a broken pipe mid-upload.
                signed = signed.toBuilder().putHeader("Expect", "100-continue").build();
            }
            send(signed);
        }

        // 4. Send: observers add their trace headers; the transport sends the attempt.
        private void send(SdkHttpRequest signed) {
            if (!proceed()) {
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
            transport.send(call, sent, new Transport.Done() {
                @Override
                public void started(Transport.Exchange started) {
                    exchangeStarted(attempt, started);
                }

                @Override
                public void done(LatticeResponse response, AbortableInputStream body, Throwable failure) {
                    answered(attempt, response, body, failure);
                }
            });
        }

        private void exchangeStarted(int attempt, Transport.Exchange started) {
            boolean abort = false;
            synchronized (this) {
                if (attemptsDone < attempt) {
                    exchange = started;
                    exchangeAttempt = attempt;
                    abort = finished || expired;
                }
            }
            if (abort) {
                started.abort();
            }
        }

        // 5. Observe: the attempt's answer or failure, reported once.
        private void answered(int attempt, LatticeResponse response, AbortableInputStream body, Throwable failure) {
            boolean over;
            Throwable reported = failure;
            synchronized (observing) {
                boolean open;
                long sentNanos;
                synchronized (this) {
                    attemptsDone = attempt;
                    if (exchangeAttempt == attempt) {
                        exchange = null;
                    }
                    open = attemptOpen;
                    attemptOpen = false;
                    sentNanos = attemptSentNanos;
                    over = finished;
                    if (failure != null && expired) {
                        reported = call.timedOut("", failure);
                    }
                }
                if (open) {
                    long nanos = System.nanoTime() - sentNanos;
                    if (failure == null) {
                        observation.attemptAnswered(call, response, nanos);
                    } else {
                        observation.attemptFailed(call, reported(reported), nanos);
                    }
                }
            }
            if (over) {
                abortQuietly(body);
                return;
            }
            if (failure == null) {
                afterResponse(response, body);
            } else {
                afterFailure(failure, reported);
            }
        }

        // 6. Retry or end.
        private void afterResponse(LatticeResponse response, AbortableInputStream body) {
            long delay = body != null ? RetryPolicy.NO_RETRY : retries.afterResponse(call, response);
            if (delay != RetryPolicy.NO_RETRY && fitsBeforeDeadline(delay, "HTTP " + response.statusCode())) {
                retryAfter(delay);
                return;
            }
            synchronized (this) {
                stream = body;
            }
            if (!finish(response, null)) {
                abortQuietly(body);
            }
        }

        private void afterFailure(Throwable failure, Throwable reported) {
            if (reported instanceof LatticeClientException) {
                // The deadline aborted the attempt, or the transport refused the answer (a body over the limit).
                finish(null, reported);
                return;
            }
            if (!transport.open()) {
                finish(null, closedDuringCall(failure));
                return;
            }
            Failures.Failure classified = Failures.classify(failure);
            synchronized (this) {
                lastFailure = classified.cause();
            }
            long delay = retries.afterFailure(call, classified);
            if (delay == RetryPolicy.NO_RETRY) {
                finish(null, noResponse(classified));
                return;
            }
            if (!fitsBeforeDeadline(delay, classified.cause().getClass().getSimpleName())) {
                // The timeout has not fired: report the real failure, not a timeout that did not happen.
                finish(
                        null,
                        call.failed(
                                classified.kind(),
                                classified.transientFailure(),
                                "got no response after " + call.attempts() + " attempt(s), giving up: the next retry"
                                        + " would exceed the call timeout of "
                                        + call.timeout().toMillis()
                                        + " ms; last failure",
                                classified.cause()));
                return;
            }
            retryAfter(delay);
        }

        private void retryAfter(long delayNanos) {
            int token = beginWait(this::credentials);
            registerWait(token, transport.after(delayNanos, interrupted -> {
                if (!endWait(token)) {
                    return;
                }
                if (interrupted != null) {
                    finish(null, call.failed("was abandoned: interrupted while waiting to retry", interrupted));
                } else {
                    credentials();
                }
            }));
        }

        private LatticeClientException noResponse(Failures.Failure failure) {
            String attempts = " after " + call.attempts() + " attempt(s)";
            switch (failure.kind()) {
                case PROTOCOL:
                    return call.failed(
                            FailureKind.PROTOCOL,
                            false,
                            "was answered with something that is not valid HTTP (not retried)" + attempts,
                            failure.cause());
                case CLIENT:
                    return call.failed(FailureKind.CLIENT, false, "failed in the HTTP client", failure.cause());
                default:
                    return call.failed(
                            failure.kind(),
                            failure.transientFailure(),
                            failure.transientFailure()
                                    ? "got no response" + attempts
                                    : "failed with an error that retrying cannot fix" + attempts,
                            failure.cause());
            }
        }

        /** The deadline passed: abort the attempt in flight, or end a wait, so that the call ends with a timeout. */
        private void expire() {
            Transport.Exchange running;
            Transport.Wait waiting;
            Runnable resume;
            int token;
            synchronized (this) {
                if (finished) {
                    return;
                }
                expired = true;
                running = exchange;
                waiting = waitActive ? wait : null;
                resume = onWaitCancelled;
                token = waitToken;
            }
            if (running != null) {
                running.abort();
            } else if (waiting != null && waiting.cancel() && endWait(token)) {
                resume.run();
            }
        }

        /** Checks, before a step, that the call may go on; ends it otherwise. */
        private boolean proceed() {
            synchronized (this) {
                if (finished) {
                    return false;
                }
            }
            if (expiredOrLate()) {
                finish(null, call.timedOut("", lastFailure()));
                return false;
            }
            if (!transport.open()) {
                finish(null, closedDuringCall(null));
                return false;
            }
            return true;
        }

        private synchronized boolean expiredOrLate() {
            return expired || call.remainingNanos(System.nanoTime()) <= 0;
        }

        private synchronized Throwable lastFailure() {
            return lastFailure;
        }

        private LatticeClientException closedDuringCall(Throwable cause) {
            return call.failed("was not sent: this " + transport.clientName() + " was closed during the call", cause);
        }

        private synchronized int beginWait(Runnable onCancelled) {
            waitToken++;
            waitActive = true;
            wait = null;
            onWaitCancelled = onCancelled;
            return waitToken;
        }

        /** Ends the wait {@code token}; returns whether it was still the current one, so its continuation may run. */
        private synchronized boolean endWait(int token) {
            if (token != waitToken || !waitActive) {
                return false;
            }
            waitActive = false;
            wait = null;
            return true;
        }

        private void registerWait(int token, Transport.Wait started) {
            Runnable resume = null;
            synchronized (this) {
                if (token != waitToken || !waitActive) {
                    return;
                }
                wait = started;
                if (finished || expired) {
                    resume = onWaitCancelled;
                }
            }
            if (resume != null && started.cancel() && endWait(token)) {
                resume.run();
            }
        }

        private boolean fitsBeforeDeadline(long delayNanos, String reason) {
            if (delayNanos >= call.remainingNanos(System.nanoTime())) {
                LOG.debug(
                        "Not retrying {} after {}: a {} ms wait would pass the call timeout",
                        call.request(),
                        reason,
                        TimeUnit.NANOSECONDS.toMillis(delayNanos));
                return false;
            }
            LOG.debug(
                    "Retrying {} after {} (attempt {} of {}) in {} ms",
                    call.request(),
                    reason,
                    call.attempts() + 1,
                    retries.maxAttempts(),
                    TimeUnit.NANOSECONDS.toMillis(delayNanos));
            return true;
        }

        /** Ends the call once: stops what is in flight and hands the result over through the transport. */
        private boolean finish(LatticeResponse response, Throwable failure) {
            if (!end()) {
                return false;
            }
            transport.deliver(() -> {
                closeObservation(response, failure);
                if (failure == null) {
                    result.complete(response);
                } else {
                    result.completeExceptionally(failure);
                }
            });
            return true;
        }

        /**
         * The caller gave the call up (cancelled the async client's future): stop what is in flight and tell the
         * observers now, on the caller's thread.
         *
         * @param failure why, reported to the observers
         */
        public void abandon(Throwable failure) {
            if (call == null || !end()) {
                return;
            }
            abortQuietly(stream());
            closeObservation(null, failure != null ? unwrap(failure) : new CancellationException("Abandoned"));
        }

        private boolean end() {
            DeadlineTimer.Timeout callDeadline;
            Transport.Exchange running;
            Transport.Wait waiting;
            synchronized (this) {
                if (finished) {
                    return false;
                }
                finished = true;
                callDeadline = deadline;
                running = exchange;
                exchange = null;
                waiting = waitActive ? wait : null;
                waitActive = false;
                wait = null;
            }
            if (callDeadline != null) {
                callDeadline.cancel();
            }
            if (waiting != null) {
                waiting.cancel();
            }
            if (running != null) {
                running.abort();
            }
            return true;
        }

        /** Tells the observers that the call is over, and first that its attempt in flight, if any, failed. */
        private void closeObservation(LatticeResponse response, Throwable failure) {
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
    }

    /**
     * What observers are told about an attempt that got no usable answer: the I/O failure itself, or the exception as
     * thrown when it is not one (a body over the size limit, the timeout, a bug).
     */
    private static Throwable reported(Throwable e) {
        if (e instanceof LatticeClientException) {
            return e;
        }
        java.io.IOException io = Failures.ioFailure(e);
        return io != null ? io : e;
    }

    private static void abortQuietly(AbortableInputStream body) {
        if (body != null) {
            try {
                body.abort();
            } catch (RuntimeException e) {
                LOG.debug("Could not abort a response body: {}", e.toString());
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Runs the request path once without sending anything and without resolving credentials, so that its classes are
     * loaded (see {@code LatticeClient.prime()}).
     *
     * @param open whether the client is open
     * @param clientName the public interface, for the message
     * @throws LatticeClientException if it is closed
     */
    public void prime(boolean open, String clientName) {
        if (!open) {
            throw new LatticeClientException("Cannot prime: this " + clientName + " is closed", null, 0);
        }
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        LatticeRequest synthetic = LatticeRequest.builder()
                .method("POST")
                .url(PRIMING_URL)
                .putHeader("content-type", "application/json")
                .bodyFromByteArrayUnsafe(body)
                .build();
        SdkHttpRequest unsigned = requests.create(synthetic, body.length);
        if (signs()) {
            // Throwaway credentials: real ones must not be resolved into a snapshot, and nothing signed here is sent.
            signer.sign(unsigned, ContentStreamProvider.fromByteArrayUnsafe(body), PRIMING_CREDENTIALS);
        }
        LatticeResponse.builder()
                .statusCode(200)
                .header("Content-Type", "application/json")
                .request(synthetic)
                .bodyFromByteArrayUnsafe(body)
                .build()
                .bodyAsString();
    }
}
