package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClient;
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
import dev.vpclattice.client.internal.discovery.ServiceEndpoint;
import dev.vpclattice.client.internal.http.SyncTransport;
import dev.vpclattice.client.internal.observe.CallObserver;
import dev.vpclattice.client.internal.observe.CompositeObserver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@link LatticeClient} implementation: the call loop. {@link CallSteps} (shared with the async client) starts
 * the call and its observation ({@link CompositeObserver}: X-Ray, OpenTelemetry, listeners, wire log, at the points
 * {@link CallObserver} lists), signs each attempt with an identity from the {@link CredentialsCache} and decides after
 * each answer or failure; the {@link SyncTransport} sends the attempt on the calling thread (the shared
 * {@link DeadlineTimer} aborts it at the deadline), and this loop waits for credentials and sleeps the backoff. Nothing
 * is handed to another thread on the way unless no usable credentials are cached. A request without a url goes to the
 * service found by {@link LatticeClient.Builder#service(String)}.
 */
@LatticeInternalApi
public final class DefaultLatticeClient implements LatticeClient {
    private final CallSteps steps;
    private final SyncTransport transport;
    private final Resources resources;
    private final Duration callTimeout;
    private final ServiceEndpoint serviceEndpoint;
    private volatile boolean closed;

    DefaultLatticeClient(
            LatticeSigner signer,
            CredentialsCache credentials,
            SyncTransport transport,
            RetryPolicy retries,
            CompositeObserver observers,
            ObjectMapper mapper,
            Duration callTimeout,
            Resources resources,
            ServiceEndpoint serviceEndpoint) {
        this.steps = new CallSteps(signer, credentials, retries, observers, mapper, callTimeout, "LatticeClient");
        this.transport = transport;
        this.resources = resources;
        this.callTimeout = callTimeout;
        this.serviceEndpoint = serviceEndpoint;
    }

    /**
     * Returns a builder with the defaults documented on {@link LatticeClient.Builder}.
     *
     * @return a new builder
     */
    public static LatticeClient.Builder builder() {
        return new DefaultLatticeClientBuilder();
    }

    @Override
    public LatticeResponse send(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        Call call = steps.begin(aimed(request), closed);
        CallObserver.Observation observation = steps.observe(call);
        LatticeResponse response = null;
        Throwable failure = null;
        try {
            response = attempts(call, observation);
            return response;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            observation.ended(call, response, failure);
        }
    }

    /** A request without a url goes to the client's service; without one it cannot be sent. */
    private LatticeRequest aimed(LatticeRequest request) {
        if (request.hasUrl()) {
            return request;
        }
        if (serviceEndpoint == null) {
            throw new Call(request, callTimeout, System.nanoTime())
                    .failed(
                            "was not sent: it has no url, and this"
                                    + " LatticeClient was built without service(...): set LatticeRequest.Builder.url(...), or build"
                                    + " the client with LatticeClient.Builder.service(...)",
                            null);
        }
        return serviceEndpoint.resolve(request);
    }

    @Override
    public Optional<URI> serviceEndpoint() {
        return serviceEndpoint == null ? Optional.empty() : Optional.of(serviceEndpoint.base());
    }

    private LatticeResponse attempts(Call call, CallObserver.Observation observation) {
        IOException lastFailure = null;
        while (true) {
            if (call.remainingNanos(System.nanoTime()) <= 0) {
                throw call.timedOut("", lastFailure);
            }
            SdkHttpRequest signed = steps.prepare(call, steps.signs() ? identity(call) : null);
            if (call.remainingNanos(System.nanoTime()) <= 0) {
                // Signing used up the budget: nothing was sent on this attempt.
                throw call.timedOut("", lastFailure);
            }
            if (closed) {
                throw steps.closedBeforeAttempt(call);
            }
            call.startAttempt();
            SdkHttpRequest sent = observation.attemptStarted(call, signed);
            long sentNanos = System.nanoTime();
            LatticeResponse response;
            try {
                response = transport.exchange(call, sent);
            } catch (SyncTransport.AbortedAtDeadline e) {
                LatticeClientException timeout = call.timedOut("", e.getCause());
                observation.attemptFailed(call, timeout, System.nanoTime() - sentNanos);
                throw timeout;
            } catch (IOException | RuntimeException e) {
                observation.attemptFailed(call, CallSteps.attemptFailure(e), System.nanoTime() - sentNanos);
                long delay = steps.afterFailure(call, e, closed);
                lastFailure = Failures.ioFailure(e);
                sleep(call, delay);
                continue;
            }
            observation.attemptAnswered(call, response, System.nanoTime() - sentNanos);
            long delay = steps.afterResponse(call, response);
            if (delay == RetryPolicy.NO_RETRY) {
                return response;
            }
            sleep(call, delay);
        }
    }

    /** Waits for a usable identity: the cached one, or the shared resolution, within the call's deadline. */
    private AwsCredentialsIdentity identity(Call call) {
        AwsCredentialsIdentity cached = steps.cachedIdentity();
        if (cached != null) {
            return cached;
        }
        CompletableFuture<AwsCredentialsIdentity> refresh = steps.refreshIdentity();
        long remaining = call.remainingNanos(System.nanoTime());
        try {
            return refresh.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw call.timedOut("while resolving AWS credentials", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw steps.credentialsFailed(call, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.failed("was not sent: interrupted while resolving AWS credentials", e);
        }
    }

    /** Waits before the next attempt; {@link CallSteps} has checked that the wait ends before the deadline. */
    private static void sleep(Call call, long delayNanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.failed("was abandoned: interrupted while waiting to retry", e);
        }
    }

    @Override
    public void prime() {
        steps.prime(closed);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
    }

    /** What a client (sync or async) owns and releases on close. */
    static final class Resources {
        private final SdkAutoCloseable httpClient;
        private final boolean ownsHttpClient;
        private final Object credentialsProvider;
        private final boolean ownsCredentialsProvider;
        private final ExecutorService refresher;

        Resources(
                SdkAutoCloseable httpClient,
                boolean ownsHttpClient,
                Object credentialsProvider,
                boolean ownsCredentialsProvider,
                ExecutorService refresher) {
            this.httpClient = httpClient;
            this.ownsHttpClient = ownsHttpClient;
            this.credentialsProvider = credentialsProvider;
            this.ownsCredentialsProvider = ownsCredentialsProvider;
            this.refresher = refresher;
        }

        synchronized void close() {
            if (refresher != null) {
                refresher.shutdownNow();
            }
            if (ownsHttpClient) {
                httpClient.close();
            }
            if (ownsCredentialsProvider && credentialsProvider instanceof SdkAutoCloseable) {
                ((SdkAutoCloseable) credentialsProvider).close();
            }
        }
    }
}
