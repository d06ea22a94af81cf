package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.VpcLatticeClient;
import dev.vpclattice.client.VpcLatticeClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@link VpcLatticeClient} implementation: signs with {@link LatticeSigner}, sends with an {@link SdkHttpClient},
 * retries with {@link Backoff}, bounds the call with a timer that aborts the in-flight request, and traces through a
 * {@link Tracer}.
 */
public final class DefaultVpcLatticeClient implements VpcLatticeClient {
    private static final System.Logger LOG = System.getLogger(DefaultVpcLatticeClient.class.getName());
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);
    private static final String TRACE_HEADER = "X-Amzn-Trace-Id";
    /** Lattice caps a response at 6 MB; 10 MiB leaves room without letting a misbehaving target exhaust the heap. */
    private static final int DEFAULT_MAX_RESPONSE_BODY_SIZE = 10 * 1024 * 1024;

    private final SdkHttpClient httpClient;
    private final boolean ownsHttpClient;
    private final AwsCredentialsProvider credentialsProvider;
    private final boolean ownsCredentialsProvider;
    private final LatticeSigner signer;
    private final Duration callTimeout;
    private final int maxAttempts;
    private final int maxResponseBodySize;
    private final Backoff backoff;
    private final ObjectMapper mapper;
    private final Tracer tracer;
    private final ScheduledExecutorService timer;
    private final ExecutorService credentialsExecutor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "vpc-lattice-client-credentials");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean closed = new AtomicBoolean();

    private DefaultVpcLatticeClient(BuilderImpl b, LatticeSigner signer, Tracer tracer) {
        this.signer = signer;
        this.tracer = tracer;
        this.callTimeout = b.callTimeout;
        this.maxAttempts = b.maxAttempts;
        this.maxResponseBodySize = b.maxResponseBodySize;
        this.backoff = new Backoff(b.backoffBase, b.backoffMax, b.retryAfterCap,
                bound -> ThreadLocalRandom.current().nextLong(bound + 1));
        this.mapper = b.objectMapper;
        if (signer.mode() == SigningMode.NONE) {
            this.credentialsProvider = null;
            this.ownsCredentialsProvider = false;
        } else if (b.credentialsProvider != null) {
            this.credentialsProvider = b.credentialsProvider;
            this.ownsCredentialsProvider = false;
        } else {
            this.credentialsProvider = DefaultCredentialsProvider.builder().build();
            this.ownsCredentialsProvider = true;
        }
        if (b.httpClient != null) {
            this.httpClient = b.httpClient;
            this.ownsHttpClient = false;
        } else {
            this.httpClient = Apache5HttpClient.builder()
                    .connectionTimeout(b.connectTimeout)
                    .socketTimeout(b.readTimeout)
                    .maxConnections(50)
                    .tcpKeepAlive(true)
                    .connectionMaxIdleTime(Duration.ofSeconds(50))
                    .useIdleConnectionReaper(true)
                    .build();
            this.ownsHttpClient = true;
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "vpc-lattice-client-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /**
     * Returns a builder with the defaults documented on {@link VpcLatticeClient.Builder}.
     *
     * @return a new builder
     */
    public static VpcLatticeClient.Builder builder() {
        return new BuilderImpl();
    }

    @Override
    public LatticeResponse send(LatticeRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            throw new IllegalStateException("This VpcLatticeClient is closed");
        }
        if (signer.mode() != SigningMode.NONE && !"https".equals(request.scheme())) {
            throw new IllegalArgumentException("Refusing to send a " + signer.mode() + "-signed request over plain http: "
                    + describe(request) + " (use https, or SigningMode.NONE for a service with auth type NONE)");
        }
        long deadline = System.nanoTime() + timeoutOf(request).toNanos();
        // The query is left out of traces for the same reason as from messages: callers may put tokens there.
        Tracer.Span span = tracer.start(request.method(), URI.create(request.redactedUrl()));
        try {
            LatticeResponse response = sendWithRetries(request, deadline, span);
            span.response(response.statusCode(), response.body().length);
            return response;
        } catch (RuntimeException e) {
            span.failure(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private LatticeResponse sendWithRetries(LatticeRequest request, long deadline, Tracer.Span span) {
        byte[] body = request.body().orElse(null);
        if (body == null && (request.method().equals("POST") || request.method().equals("PUT")
                || request.method().equals("PATCH"))) {
            body = new byte[0];
        }
        IOException lastFailure = null;
        for (int attempt = 1; ; attempt++) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw callTimedOut(request, attempt - 1, lastFailure);
            }
            SdkHttpRequest signed = prepare(request, body, span, attempt, deadline);
            remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                // Resolving credentials and signing used up the budget: nothing was sent on this attempt.
                throw callTimedOut(request, attempt - 1, lastFailure);
            }
            LatticeResponse response;
            try {
                response = execute(signed, body, remaining, attempt);
            } catch (AbortedByTimer e) {
                throw callTimedOut(request, attempt, e.getCause());
            } catch (IOException e) {
                lastFailure = e;
                if (!request.retryable() || attempt >= maxAttempts || !isRetryable(e)) {
                    throw new VpcLatticeClientException("No response to " + describe(request) + " after " + attempt
                            + " attempt(s): " + e, e, attempt, false);
                }
                if (!sleepBeforeRetry(request, attempt, backoff.delay(attempt, Optional.empty()), deadline,
                        e.getClass().getSimpleName())) {
                    // The timeout has not fired: report the real failure, not a timeout that did not happen.
                    throw new VpcLatticeClientException("No response to " + describe(request) + " after " + attempt
                            + " attempt(s), giving up: the next retry would exceed the call timeout of "
                            + timeoutOf(request).toMillis() + " ms; last failure: " + e, e, attempt, false);
                }
                continue;
            }
            if (!RETRYABLE_STATUS.contains(response.statusCode()) || !request.retryable() || attempt >= maxAttempts) {
                return response;
            }
            Optional<Duration> retryAfter = Backoff.parseRetryAfter(response.firstHeader("Retry-After").orElse(null),
                    Clock.systemUTC());
            if (!sleepBeforeRetry(request, attempt, backoff.delay(attempt, retryAfter), deadline,
                    "HTTP " + response.statusCode())) {
                return response;
            }
        }
    }

    static final String USER_AGENT = "lattice-client-sdk java/" + Runtime.version().feature();

    private SdkHttpRequest prepare(LatticeRequest request, byte[] body, Tracer.Span span, int attempt, long deadline) {
        SdkHttpRequest unsigned = toHttpRequest(request, body);
        SdkHttpRequest signed;
        if (signer.mode() == SigningMode.NONE) {
            signed = unsigned;
        } else {
            // Resolved for every attempt: Lambda and assumed-role credentials rotate under a long-lived client.
            AwsCredentialsIdentity credentials = resolveCredentials(request, attempt, deadline);
            signed = signer.sign(unsigned, body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body),
                    credentials);
        }
        Optional<String> traceHeader = span.traceHeader();
        // Added after signing on purpose: the trace header is not signed (the SDK signer skips it too).
        return traceHeader.map(v -> signed.toBuilder().putHeader(TRACE_HEADER, v).build()).orElse(signed);
    }

    @Override
    public void prime() {
        if (closed.get()) {
            throw new IllegalStateException("This VpcLatticeClient is closed");
        }
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        LatticeRequest synthetic = LatticeRequest.builder().method("POST").url(PRIMING_URL)
                .header("content-type", "application/json").body(body).build();
        SdkHttpRequest unsigned = toHttpRequest(synthetic, body);
        if (signer.mode() != SigningMode.NONE) {
            // Throwaway credentials: real ones must not be resolved into a snapshot, and nothing signed here is sent.
            signer.sign(unsigned, ContentStreamProvider.fromByteArrayUnsafe(body), PRIMING_CREDENTIALS);
        }
        LatticeResponse.builder().statusCode(200).header("Content-Type", "application/json").body(body).build()
                .bodyAsString();
    }

    private static final String PRIMING_URL = "https://priming.invalid";
    private static final AwsCredentialsIdentity PRIMING_CREDENTIALS =
            AwsCredentialsIdentity.create("AKIDPRIMINGONLY00000", "priming-only-not-a-secret");

    private SdkHttpRequest toHttpRequest(LatticeRequest request, byte[] body) {
        SdkHttpRequest.Builder http = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol(request.scheme())
                .host(request.host())
                .port(request.port() > 0 ? request.port() : null)
                .encodedPath(request.encodedPath());
        request.queryParameters().forEach(http::putRawQueryParameter);
        request.headers().forEach(http::putHeader);
        if (request.firstHeader("User-Agent").isEmpty()) {
            // Without it the Apache 5 client sends an empty User-Agent; services' access logs deserve a name.
            http.putHeader("User-Agent", USER_AGENT);
        }
        if (body != null) {
            http.putHeader("Content-Length", Integer.toString(body.length));
        }
        return http.build();
    }

    /**
     * Resolves credentials within the call timeout: a credentials endpoint (container, IMDS, STS) can be slow, and the
     * caller was promised that the whole call ends by the deadline. A provider that answers from its cache costs one
     * virtual-thread hand-off.
     */
    private AwsCredentialsIdentity resolveCredentials(LatticeRequest request, int attempt, long deadline) {
        Future<AwsCredentialsIdentity> future;
        try {
            future = credentialsExecutor.submit(credentialsProvider::resolveCredentials);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("This VpcLatticeClient was closed during the call", e);
        }
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new VpcLatticeClientException("Call timeout of " + timeoutOf(request).toMillis() + " ms expired for "
                    + describe(request) + " while resolving AWS credentials after " + (attempt - 1) + " attempt(s)",
                    e, attempt - 1, true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw new VpcLatticeClientException("Could not resolve AWS credentials to sign " + describe(request)
                    + ": " + cause.getMessage(), cause, attempt - 1, false);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new VpcLatticeClientException("Interrupted while resolving AWS credentials for " + describe(request),
                    e, attempt - 1, false);
        }
    }

    private LatticeResponse execute(SdkHttpRequest signed, byte[] body, long remainingNanos, int attempt)
            throws IOException {
        ExecutableHttpRequest exchange = httpClient.prepareRequest(HttpExecuteRequest.builder()
                .request(signed)
                .contentStreamProvider(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                .build());
        AtomicBoolean aborted = new AtomicBoolean();
        ScheduledFuture<?> abort;
        try {
            abort = timer.schedule(() -> {
                aborted.set(true);
                exchange.abort();
            }, remainingNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("This VpcLatticeClient was closed during the call", e);
        }
        try {
            HttpExecuteResponse response = exchange.call();
            byte[] bytes;
            // Reading to the end (and closing) returns the connection to the pool.
            try (InputStream in = response.responseBody().orElse(null)) {
                bytes = in == null ? new byte[0] : readAtMost(in, maxResponseBodySize);
                if (bytes == null) {
                    // Drop the connection rather than let close() drain an oversized body to reuse it.
                    exchange.abort();
                    throw new VpcLatticeClientException("The response body exceeds the maximum response body size of "
                            + maxResponseBodySize + " bytes (VpcLatticeClient.Builder.maxResponseBodySize)", null,
                            attempt, false);
                }
            }
            LatticeResponse.Builder result = LatticeResponse.builder()
                    .statusCode(response.httpResponse().statusCode())
                    .body(bytes)
                    .attempts(attempt);
            if (mapper != null) {
                result.objectMapper(mapper);
            }
            for (Map.Entry<String, List<String>> header : response.httpResponse().headers().entrySet()) {
                header.getValue().forEach(v -> result.header(header.getKey(), v));
            }
            return result.build();
        } catch (IOException | RuntimeException e) {
            if (aborted.get()) {
                throw new AbortedByTimer(e);
            }
            IOException transport = transportFailure(e);
            if (transport != null) {
                throw transport;
            }
            // A closed pool, a bad configuration or a bug is not a connection failure: retrying would hide it.
            throw (RuntimeException) e;
        } finally {
            abort.cancel(false);
        }
    }

    /** Reads the whole stream, or returns {@code null} as soon as it holds more than {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit);
        if (bytes.length == limit && in.read() >= 0) {
            return null;
        }
        return bytes;
    }

    /**
     * Returns the I/O failure behind a transport error: an {@link IOException}, an {@link UncheckedIOException}, or
     * the SDK's {@link SdkClientException} wrapping one; {@code null} for anything else.
     */
    private static IOException transportFailure(Exception e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (e instanceof SdkClientException && e.getCause() instanceof IOException io) {
            return io;
        }
        return null;
    }

    private boolean sleepBeforeRetry(LatticeRequest request, int attempt, Duration delay, long deadline, String reason) {
        long remaining = deadline - System.nanoTime();
        if (delay.toNanos() >= remaining) {
            LOG.log(System.Logger.Level.DEBUG, "Not retrying {0} after {1}: a {2} ms wait would pass the call timeout",
                    describe(request), reason, delay.toMillis());
            return false;
        }
        LOG.log(System.Logger.Level.DEBUG, "Retrying {0} after {1} (attempt {2} of {3}) in {4} ms",
                describe(request), reason, attempt + 1, maxAttempts, delay.toMillis());
        try {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VpcLatticeClientException("Interrupted while waiting to retry " + describe(request), e, attempt,
                    false);
        }
    }

    private static boolean isRetryable(IOException e) {
        if (e instanceof SSLPeerUnverifiedException) {
            return false;
        }
        if (e instanceof SSLHandshakeException) {
            // A certificate the client does not trust will not become trusted by retrying.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CertificateException) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The request's own call timeout when it set one, else the client's. */
    private Duration timeoutOf(LatticeRequest request) {
        return request.callTimeout().orElse(callTimeout);
    }

    private VpcLatticeClientException callTimedOut(LatticeRequest request, int attempts, Throwable cause) {
        return new VpcLatticeClientException("Call timeout of " + timeoutOf(request).toMillis() + " ms expired for "
                + describe(request) + " after " + attempts + " attempt(s)", cause, attempts, true);
    }

    /** The request without query or headers, which may carry caller secrets. */
    private static String describe(LatticeRequest request) {
        return request.toString();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdownNow();
        credentialsExecutor.shutdownNow();
        if (ownsHttpClient) {
            httpClient.close();
        }
        if (ownsCredentialsProvider && credentialsProvider instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Signals that the call-timeout timer aborted the exchange. */
    private static final class AbortedByTimer extends IOException {
        private static final long serialVersionUID = 1L;

        AbortedByTimer(Throwable cause) {
            super(cause);
        }
    }

    private static final class BuilderImpl implements VpcLatticeClient.Builder {
        private Region region;
        private AwsCredentialsProvider credentialsProvider;
        private SigningMode signingMode = SigningMode.SIGV4;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 3;
        private int maxResponseBodySize = DEFAULT_MAX_RESPONSE_BODY_SIZE;
        private Duration backoffBase = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Duration retryAfterCap = Duration.ofSeconds(20);
        private SdkHttpClient httpClient;
        private ObjectMapper objectMapper;
        private Clock signingClock;
        private boolean tracing = true;
        private boolean doubleUrlEncode = true;

        @Override
        public Builder region(Region value) {
            region = Objects.requireNonNull(value, "region");
            return this;
        }

        @Override
        public Builder credentialsProvider(AwsCredentialsProvider value) {
            credentialsProvider = Objects.requireNonNull(value, "credentialsProvider");
            return this;
        }

        @Override
        public Builder signingMode(SigningMode value) {
            signingMode = Objects.requireNonNull(value, "signingMode");
            return this;
        }

        @Override
        public Builder connectTimeout(Duration value) {
            connectTimeout = Durations.requirePositive("connectTimeout", value);
            return this;
        }

        @Override
        public Builder readTimeout(Duration value) {
            readTimeout = Durations.requirePositive("readTimeout", value);
            return this;
        }

        @Override
        public Builder callTimeout(Duration value) {
            callTimeout = Durations.requirePositive("callTimeout", value);
            return this;
        }

        @Override
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + value);
            }
            maxAttempts = value;
            return this;
        }

        @Override
        public Builder maxResponseBodySize(int bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxResponseBodySize must be between 1 and " + (Integer.MAX_VALUE - 8)
                        + " bytes, got " + bytes);
            }
            maxResponseBodySize = bytes;
            return this;
        }

        @Override
        public Builder backoffBase(Duration value) {
            backoffBase = Durations.requirePositive("backoffBase", value);
            return this;
        }

        @Override
        public Builder backoffMax(Duration value) {
            backoffMax = Durations.requirePositive("backoffMax", value);
            return this;
        }

        @Override
        public Builder retryAfterCap(Duration value) {
            Objects.requireNonNull(value, "retryAfterCap");
            if (value.isNegative()) {
                throw new IllegalArgumentException("retryAfterCap must not be negative, got " + value);
            }
            retryAfterCap = value;
            return this;
        }

        @Override
        public Builder httpClient(SdkHttpClient value) {
            httpClient = Objects.requireNonNull(value, "httpClient");
            return this;
        }

        @Override
        public Builder objectMapper(ObjectMapper value) {
            objectMapper = Objects.requireNonNull(value, "objectMapper");
            return this;
        }

        @Override
        public Builder signingClock(Clock value) {
            signingClock = Objects.requireNonNull(value, "signingClock");
            return this;
        }

        @Override
        public Builder doubleUrlEncode(boolean enabled) {
            doubleUrlEncode = enabled;
            return this;
        }

        @Override
        public Builder tracing(boolean enabled) {
            tracing = enabled;
            return this;
        }

        @Override
        public VpcLatticeClient build() {
            if (backoffMax.compareTo(backoffBase) < 0) {
                throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must not be shorter than backoffBase ("
                        + backoffBase + ")");
            }
            String regionName = region == null ? null : region.id();
            if (regionName == null && signingMode == SigningMode.SIGV4) {
                try {
                    regionName = new DefaultAwsRegionProviderChain().getRegion().id();
                } catch (SdkClientException e) {
                    throw new IllegalStateException("No region for SigV4 signing: set VpcLatticeClient.builder().region(...)"
                            + " or the AWS_REGION environment variable (" + e.getMessage() + ")", e);
                }
            }
            LatticeSigner signer = LatticeSigner.create(signingMode, regionName, signingClock, doubleUrlEncode);
            return new DefaultVpcLatticeClient(this, signer, Tracer.detect(tracing));
        }
    }
}
