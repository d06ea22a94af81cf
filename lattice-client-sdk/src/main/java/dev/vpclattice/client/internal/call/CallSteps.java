package dev.vpclattice.client.internal.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.DefaultObjectMapper;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.auth.CredentialsCache;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.http.HttpRequestFactory;
import dev.vpclattice.client.internal.observe.CallObserver;
import dev.vpclattice.client.internal.observe.CompositeObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The steps of a call that do not depend on how an attempt travels, shared by the sync and the async client so that
 * both refuse, sign, trace, retry and word their exceptions alike: starting a call (the checks that refuse it before
 * anything is sent, its body), starting its observation, signing an attempt, and deciding after an attempt's answer or failure. The sync client
 * then sleeps and the async one schedules; each waits for credentials its own way. Thread-safe.
 */
@LatticeInternalApi
public final class CallSteps {
    private static final Logger LOG = LoggerFactory.getLogger(CallSteps.class);
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
    private final String clientName;

    /**
     * Creates the steps.
     *
     * @param signer the signer
     * @param credentials the credentials cache, or {@code null} when the client does not sign
     * @param retries the retry policy
     * @param observers the observers of calls (tracers, listeners, wire log)
     * @param mapper the caller's mapper, or {@code null} for the library's default
     * @param callTimeout the client's call timeout
     * @param clientName the public interface, named in messages, e.g. {@code LatticeClient}
     */
    public CallSteps(
            LatticeSigner signer,
            CredentialsCache credentials,
            RetryPolicy retries,
            CompositeObserver observers,
            ObjectMapper mapper,
            Duration callTimeout,
            String clientName) {
        this.signer = signer;
        this.requests = new HttpRequestFactory(signer.mode());
        this.credentials = credentials;
        this.retries = retries;
        this.observers = observers;
        this.mapper = mapper;
        this.callTimeout = callTimeout;
        this.clientName = clientName;
    }

    /**
     * Starts a call: its deadline from now, the checks that refuse it before anything is sent, its serialized body.
     *
     * @param request the request
     * @param closed whether the client is closed
     * @return the call
     * @throws LatticeClientException if the call is refused: a closed client, a signed request to plain http, a JSON
     *     body that cannot be serialized
     */
    public Call begin(LatticeRequest request, boolean closed) {
        Call call = new Call(request, request.callTimeout().orElse(callTimeout), System.nanoTime());
        if (closed) {
            throw call.failed("was not sent: this " + clientName + " is closed", null);
        }
        if (!signer.schemeAllowed(request.scheme())) {
            throw call.failed(
                    "was not sent: " + LatticeSigner.schemeRefusedMessage("a " + signer.mode() + "-signed request"),
                    null);
        }
        call.body(serializedBody(call));
        return call;
    }

    private byte[] serializedBody(Call call) {
        LatticeRequest request = call.request();
        Optional<Object> json = request.jsonValue();
        byte[] body;
        if (json.isPresent()) {
            try {
                body = (mapper != null ? mapper : DefaultObjectMapper.get()).writeValueAsBytes(json.get());
            } catch (JsonProcessingException e) {
                throw call.failed(
                        "was not sent: its JSON body (a "
                                + json.get().getClass().getName() + ") cannot be serialized: " + e.getOriginalMessage(),
                        e);
            }
        } else {
            body = request.bodyAsByteArrayUnsafe().orElse(null);
        }
        if (body == null
                && (request.method().equals("POST")
                        || request.method().equals("PUT")
                        || request.method().equals("PATCH"))) {
            body = new byte[0];
        }
        return body;
    }

    /**
     * Starts observing the call on the calling thread, where tracers capture the caller's trace context.
     *
     * @param call the call
     * @return the call's observation, {@link CallObserver.Observation#NONE} when nothing observes it
     */
    public CallObserver.Observation observe(Call call) {
        return observers.start(call);
    }

    /** @return whether attempts are signed, and so need an identity */
    public boolean signs() {
        return signer.mode() != SigningMode.NONE;
    }

    /** @return a usable cached identity, or {@code null} when the caller must wait for {@link #refreshIdentity()} */
    public AwsCredentialsIdentity cachedIdentity() {
        return credentials.cached();
    }

    /** @return the resolution in flight (or a new one), which concurrent callers share */
    public CompletableFuture<AwsCredentialsIdentity> refreshIdentity() {
        return credentials.refresh();
    }

    /**
     * The call waited for credentials and their resolution failed.
     *
     * @param call the call
     * @param cause the provider's failure, or the refresher's refusal once the client is closed
     * @return the exception
     */
    public LatticeClientException credentialsFailed(Call call, Throwable cause) {
        if (cause instanceof RejectedExecutionException) {
            return call.failed("was not sent: this " + clientName + " was closed during the call", null);
        }
        return call.failed("was not sent: could not resolve AWS credentials to sign it", cause);
    }

    /**
     * Builds and signs one attempt: every attempt gets a fresh date. Trace headers are added afterwards by
     * {@link CallObserver.Observation#attemptStarted}, so they are never signed (the SDK signer skips them too).
     *
     * @param call the call
     * @param identity the credentials to sign with; ignored when the client does not sign
     * @return the signed request
     */
    public SdkHttpRequest prepare(Call call, AwsCredentialsIdentity identity) {
        SdkHttpRequest unsigned = requests.create(call.request(), call.body());
        if (!signs()) {
            return unsigned;
        }
        return signer.sign(
                unsigned,
                call.body() == null ? null : ContentStreamProvider.fromByteArrayUnsafe(call.body()),
                identity);
    }

    /**
     * What the observers are told about an attempt that got no usable answer: the I/O failure itself, or the
     * exception as thrown when it is not one (a body over the size limit, a bug).
     *
     * @param e what the transport threw
     * @return the failure to report
     */
    public static Throwable attemptFailure(Throwable e) {
        if (e instanceof LatticeClientException) {
            return e;
        }
        IOException io = Failures.ioFailure(e);
        return io != null ? io : e;
    }

    /**
     * The client was closed between signing and sending an attempt.
     *
     * @param call the call
     * @return the exception
     */
    public LatticeClientException closedBeforeAttempt(Call call) {
        return call.failed("was not sent: this " + clientName + " was closed during the call", null);
    }

    /**
     * Decides after an attempt failed without an answer: returns the wait before the next attempt, or throws the
     * call's exception when it is not retried (not an I/O failure, not retryable, no attempt left, or the wait would
     * pass the deadline).
     *
     * @param call the call
     * @param e what the transport threw
     * @param closed whether the client is closed by now
     * @return the delay in nanoseconds
     * @throws LatticeClientException the call's failure
     */
    public long afterFailure(Call call, Throwable e, boolean closed) {
        if (e instanceof LatticeClientException) {
            throw (LatticeClientException) e;
        }
        IOException failure = Failures.ioFailure(e);
        if (failure == null) {
            // A closed pool, a bad configuration or a bug is not a connection failure: retrying would hide it.
            throw call.failed(
                    closed ? "failed: this " + clientName + " was closed during the call" : "failed in the HTTP client",
                    e);
        }
        Failures.Kind kind = Failures.classify(failure);
        long delay = retries.afterFailure(call, kind);
        if (delay == RetryPolicy.NO_RETRY) {
            throw call.failed(noResponse(call, kind), failure);
        }
        if (!fitsBeforeDeadline(call, delay, failure.getClass().getSimpleName())) {
            // The timeout has not fired: report the real failure, not a timeout that did not happen.
            throw call.failed(
                    "got no response after " + call.attempts() + " attempt(s), giving up: the"
                            + " next retry would exceed the call timeout of "
                            + call.timeout().toMillis()
                            + " ms; last failure",
                    failure);
        }
        return delay;
    }

    /**
     * Decides after an answer: returns the wait before the next attempt, or {@link RetryPolicy#NO_RETRY} to return
     * this answer (not retryable, no attempt left, or the wait would pass the deadline).
     *
     * @param call the call
     * @param response the answer
     * @return the delay in nanoseconds, or {@link RetryPolicy#NO_RETRY}
     */
    public long afterResponse(Call call, LatticeResponse response) {
        long delay = retries.afterResponse(call, response);
        if (delay == RetryPolicy.NO_RETRY || !fitsBeforeDeadline(call, delay, "HTTP " + response.statusCode())) {
            return RetryPolicy.NO_RETRY;
        }
        return delay;
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

    /** Returns {@code false} when a wait of {@code delayNanos} would end after the deadline; logs the decision. */
    private boolean fitsBeforeDeadline(Call call, long delayNanos, String reason) {
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

    /**
     * Runs the request path once without sending anything and without resolving credentials, so that its classes
     * are loaded (see {@code LatticeClient.prime()}).
     *
     * @param closed whether the client is closed
     * @throws LatticeClientException if it is
     */
    public void prime(boolean closed) {
        if (closed) {
            throw new LatticeClientException("Cannot prime: this " + clientName + " is closed", null, 0);
        }
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        LatticeRequest synthetic = LatticeRequest.builder()
                .method("POST")
                .url(PRIMING_URL)
                .header("content-type", "application/json")
                .bodyFromByteArrayUnsafe(body)
                .build();
        SdkHttpRequest unsigned = requests.create(synthetic, body);
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
