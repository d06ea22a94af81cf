package dev.vpclattice.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.VpcLatticeClient;
import dev.vpclattice.events.rules.LatticeSigV4;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@link VpcLatticeClient} implementation: the call loop. Each attempt is built by {@link HttpRequestFactory},
 * signed by {@link LatticeSigner} with an identity from the {@link CredentialsCache}, sent by the
 * {@link SyncTransport} (which the shared {@link DeadlineTimer} aborts at the deadline), and judged by the
 * {@link RetryPolicy} with {@link Failures}; {@link Call} words the exceptions; {@link CallObservers} (X-Ray,
 * OpenTelemetry, listeners, wire log) see each call at the points {@link CallObserver} lists. Nothing is handed to
 * another thread on the way unless no usable credentials are cached.
 */
@LatticeInternalApi
public final class DefaultVpcLatticeClient implements VpcLatticeClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultVpcLatticeClient.class);
    private static final String PRIMING_URL = "https://priming.invalid";
    private static final AwsCredentialsIdentity PRIMING_CREDENTIALS =
            AwsCredentialsIdentity.create("AKIDPRIMINGONLY00000", "priming-only-not-a-secret");

    private final LatticeSigner signer;
    private final HttpRequestFactory requests;
    private final CredentialsCache credentials;
    private final SyncTransport transport;
    private final RetryPolicy retries;
    private final CallObservers observers;
    private final ObjectMapper mapper;
    private final Duration callTimeout;
    private final Resources resources;
    private final ServiceEndpoint serviceEndpoint;
    private volatile boolean closed;

    DefaultVpcLatticeClient(LatticeSigner signer, CredentialsCache credentials, SyncTransport transport,
            RetryPolicy retries, CallObservers observers, ObjectMapper mapper, Duration callTimeout,
            Resources resources, ServiceEndpoint serviceEndpoint) {
        this.signer = signer;
        this.requests = new HttpRequestFactory(signer.mode());
        this.credentials = credentials;
        this.transport = transport;
        this.retries = retries;
        this.observers = observers;
        this.mapper = mapper;
        this.callTimeout = callTimeout;
        this.resources = resources;
        this.serviceEndpoint = serviceEndpoint;
    }

    /**
     * Returns a builder with the defaults documented on {@link VpcLatticeClient.Builder}.
     *
     * @return a new builder
     */
    public static VpcLatticeClient.Builder builder() {
        return new DefaultVpcLatticeClientBuilder();
    }

    @Override
    public LatticeResponse send(LatticeRequest caller) {
        Objects.requireNonNull(caller, "request");
        LatticeRequest request = aimed(caller);
        Call call = new Call(request, request.callTimeout().orElse(callTimeout), System.nanoTime());
        if (closed) {
            throw call.failed("was not sent: this VpcLatticeClient is closed", null);
        }
        if (!LatticeSigV4.schemeAllowed(request.scheme(), signer.mode() != SigningMode.NONE)) {
            throw call.failed("was not sent: " + LatticeSigV4.httpsRequiredMessage("a " + signer.mode()
                    + "-signed request"), null);
        }
        call.body(serializedBody(call));
        CallObserver.Observation observation = observers.start(call);
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
            throw new Call(request, callTimeout, System.nanoTime()).failed("was not sent: it has no url, and this"
                    + " VpcLatticeClient was built without service(...): set LatticeRequest.Builder.url(...), or build"
                    + " the client with VpcLatticeClient.Builder.service(...)", null);
        }
        return serviceEndpoint.resolve(request);
    }

    @Override
    public Optional<URI> serviceEndpoint() {
        return serviceEndpoint == null ? Optional.empty() : Optional.of(serviceEndpoint.base());
    }

    private byte[] serializedBody(Call call) {
        LatticeRequest request = call.request();
        Optional<Object> json = request.jsonValue();
        byte[] body;
        if (json.isPresent()) {
            try {
                body = (mapper != null ? mapper : DefaultObjectMapper.get()).writeValueAsBytes(json.get());
            } catch (JsonProcessingException e) {
                throw call.failed("was not sent: its JSON body (a " + json.get().getClass().getName()
                        + ") cannot be serialized: " + e.getOriginalMessage(), e);
            }
        } else {
            body = request.bodyAsByteArrayUnsafe().orElse(null);
        }
        if (body == null && (request.method().equals("POST") || request.method().equals("PUT")
                || request.method().equals("PATCH"))) {
            body = new byte[0];
        }
        return body;
    }

    private LatticeResponse attempts(Call call, CallObserver.Observation observation) {
        IOException lastFailure = null;
        while (true) {
            if (call.remainingNanos(System.nanoTime()) <= 0) {
                throw call.timedOut("", lastFailure);
            }
            SdkHttpRequest signed = prepare(call);
            if (call.remainingNanos(System.nanoTime()) <= 0) {
                // Signing used up the budget: nothing was sent on this attempt.
                throw call.timedOut("", lastFailure);
            }
            if (closed) {
                throw call.failed("was not sent: this VpcLatticeClient was closed during the call", null);
            }
            call.startAttempt();
            // Trace headers are added after signing on purpose: they are not signed (the SDK signer skips them too).
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
                IOException failure = e instanceof LatticeClientException ? null : Failures.ioFailure(e);
                observation.attemptFailed(call, failure != null ? failure : e, System.nanoTime() - sentNanos);
                if (e instanceof LatticeClientException) {
                    throw (LatticeClientException) e;
                }
                if (failure == null) {
                    // A closed pool, a bad configuration or a bug is not a connection failure: retrying would hide it.
                    throw call.failed(closed ? "failed: this VpcLatticeClient was closed during the call"
                            : "failed in the HTTP client", e);
                }
                lastFailure = failure;
                Failures.Kind kind = Failures.classify(failure);
                long delay = retries.afterFailure(call, kind);
                if (delay == RetryPolicy.NO_RETRY) {
                    throw call.failed(noResponse(call, kind), failure);
                }
                if (!pause(call, delay, failure.getClass().getSimpleName())) {
                    // The timeout has not fired: report the real failure, not a timeout that did not happen.
                    throw call.failed("got no response after " + call.attempts() + " attempt(s), giving up: the"
                            + " next retry would exceed the call timeout of " + call.timeout().toMillis()
                            + " ms; last failure", failure);
                }
                continue;
            }
            observation.attemptAnswered(call, response, System.nanoTime() - sentNanos);
            long delay = retries.afterResponse(call, response);
            if (delay == RetryPolicy.NO_RETRY || !pause(call, delay, "HTTP " + response.statusCode())) {
                return response;
            }
        }
    }

    private static String noResponse(Call call, Failures.Kind kind) {
        switch (kind) {
            case INVALID_RESPONSE:
                return "was answered with something that is not valid HTTP (not retried) after " + call.attempts()
                        + " attempt(s)";
            case PERMANENT:
                return "failed with an error that retrying cannot fix after " + call.attempts() + " attempt(s)";
            default:
                return "got no response after " + call.attempts() + " attempt(s)";
        }
    }

    /** Signs one attempt: every attempt gets a fresh date and the cached (or a refreshed) identity. */
    private SdkHttpRequest prepare(Call call) {
        SdkHttpRequest unsigned = requests.create(call.request(), call.body());
        if (signer.mode() == SigningMode.NONE) {
            return unsigned;
        }
        return signer.sign(unsigned, call.body() == null ? null
                : ContentStreamProvider.fromByteArrayUnsafe(call.body()), identity(call));
    }

    private AwsCredentialsIdentity identity(Call call) {
        AwsCredentialsIdentity cached = credentials.cached();
        if (cached != null) {
            return cached;
        }
        CompletableFuture<AwsCredentialsIdentity> refresh = credentials.refresh();
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
            if (cause instanceof java.util.concurrent.RejectedExecutionException) {
                throw call.failed("was not sent: this VpcLatticeClient was closed during the call", null);
            }
            throw call.failed("was not sent: could not resolve AWS credentials to sign it", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.failed("was not sent: interrupted while resolving AWS credentials", e);
        }
    }

    /** Waits before the next attempt; returns {@code false} when the wait would end after the deadline. */
    private boolean pause(Call call, long delayNanos, String reason) {
        if (delayNanos >= call.remainingNanos(System.nanoTime())) {
            LOG.debug("Not retrying {} after {}: a {} ms wait would pass the call timeout", call.request(), reason,
                    TimeUnit.NANOSECONDS.toMillis(delayNanos));
            return false;
        }
        LOG.debug("Retrying {} after {} (attempt {} of {}) in {} ms", call.request(), reason, call.attempts() + 1,
                retries.maxAttempts(), TimeUnit.NANOSECONDS.toMillis(delayNanos));
        try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.failed("was abandoned: interrupted while waiting to retry", e);
        }
    }

    @Override
    public void prime() {
        if (closed) {
            throw new LatticeClientException("Cannot prime: this VpcLatticeClient is closed", null, 0);
        }
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        LatticeRequest synthetic = LatticeRequest.builder().method("POST").url(PRIMING_URL)
                .header("content-type", "application/json").bodyFromByteArrayUnsafe(body).build();
        SdkHttpRequest unsigned = requests.create(synthetic, body);
        if (signer.mode() != SigningMode.NONE) {
            // Throwaway credentials: real ones must not be resolved into a snapshot, and nothing signed here is sent.
            signer.sign(unsigned, ContentStreamProvider.fromByteArrayUnsafe(body), PRIMING_CREDENTIALS);
        }
        LatticeResponse.builder().statusCode(200).header("Content-Type", "application/json").request(synthetic)
                .bodyFromByteArrayUnsafe(body).build().bodyAsString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.close();
    }

    /** What a client owns and releases on close. */
    static final class Resources {
        private final SdkHttpClient httpClient;
        private final boolean ownsHttpClient;
        private final Object credentialsProvider;
        private final boolean ownsCredentialsProvider;
        private final ExecutorService refresher;

        Resources(SdkHttpClient httpClient, boolean ownsHttpClient, Object credentialsProvider,
                boolean ownsCredentialsProvider, ExecutorService refresher) {
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
