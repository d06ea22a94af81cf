package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.Durations;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.client.internal.observe.TracePropagation;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@link LatticeRequestSigner}: the client's {@link LatticeSigner} and {@link CredentialsCache}, with the request
 * given as method, URI and headers, and trace headers added after signing.
 */
@LatticeInternalApi
public final class DefaultLatticeRequestSigner implements LatticeRequestSigner {
    private final LatticeSigner signer;
    private final LatticeHosts hosts;
    private final TracePropagation trace;
    private final Duration credentialsTimeout;
    private final AwsCredentialsProvider provider;
    private final boolean ownsProvider;
    private final ThreadPoolExecutor refresher;
    private final CredentialsCache credentials;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DefaultLatticeRequestSigner(Builder builder, LatticeSigner signer, LatticeHosts hosts) {
        this.signer = signer;
        this.hosts = hosts;
        this.trace = TracePropagation.create(builder.tracePropagation, OptionalDependencies.CLASSPATH);
        this.credentialsTimeout = builder.credentialsTimeout;
        if (signer.mode() == SigningMode.NONE) {
            this.provider = null;
            this.ownsProvider = false;
            this.refresher = null;
            this.credentials = null;
        } else {
            this.ownsProvider = builder.credentialsProvider == null;
            this.provider = ownsProvider ? DefaultCredentialsProvider.builder().build() : builder.credentialsProvider;
            this.refresher = CredentialsCache.newRefresher();
            this.credentials = new CredentialsCache(provider, refresher, System::currentTimeMillis);
        }
    }

    /**
     * Starts configuring a signer.
     *
     * @return a new builder
     */
    public static LatticeRequestSigner.Builder builder() {
        return new Builder();
    }

    @Override
    public boolean signs(URI uri) {
        return uri != null && hosts.matches(uri.getHost());
    }

    @Override
    public Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers) {
        SdkHttpRequest request = request(method, uri, headers);
        if (request == null) {
            return Map.of();
        }
        if (credentials == null) {
            return headersToAdd(request, null, headers);
        }
        AwsCredentialsIdentity identity = credentials.cached();
        if (identity == null) {
            identity = await(credentials.refresh(), request);
        }
        return headersToAdd(request, identity, headers);
    }

    @Override
    public CompletableFuture<Map<String, String>> signAsync(String method, URI uri, Map<String, List<String>> headers) {
        SdkHttpRequest request;
        try {
            request = request(method, uri, headers);
            if (request == null) {
                return CompletableFuture.completedFuture(Map.of());
            }
            if (credentials == null) {
                return CompletableFuture.completedFuture(headersToAdd(request, null, headers));
            }
            AwsCredentialsIdentity identity = credentials.cached();
            if (identity != null) {
                return CompletableFuture.completedFuture(headersToAdd(request, identity, headers));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        credentials
                .refresh()
                .orTimeout(credentialsTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((identity, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(credentialsFailed(request, failure));
                        return;
                    }
                    try {
                        result.complete(headersToAdd(request, identity, headers));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    /** Returns the request to sign, or null when its host is not signed; refuses a scheme the signer refuses. */
    private SdkHttpRequest request(String method, URI uri, Map<String, List<String>> headers) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("A request to sign needs an absolute URI with a host, got one with"
                    + " scheme " + uri.getScheme() + " and host " + uri.getHost());
        }
        if (!hosts.matches(uri.getHost())) {
            return null;
        }
        if (!signer.schemeAllowed(uri.getScheme())) {
            throw new LatticeClientException(
                    LatticeSigner.schemeRefusedMessage(
                            "A " + signer.mode() + "-signed request to " + redacted(uri) + " was not signed: it"),
                    null,
                    0);
        }
        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(method(method, uri)).uri(uri);
        String host = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("host")) {
                host = host(header.getValue(), host, uri);
                continue;
            }
            for (String value : header.getValue()) {
                request.appendHeader(header.getKey(), value);
            }
        }
        if (host != null) {
            // Signed as given, since it is what the host client sends; without one the signer derives it from the URI.
            request.putHeader("Host", host);
        }
        return request.build();
    }

    private SdkHttpMethod method(String method, URI uri) {
        String name = method.toUpperCase(Locale.ROOT);
        for (SdkHttpMethod known : SdkHttpMethod.values()) {
            if (known.name().equals(name)) {
                return known;
            }
        }
        throw new IllegalArgumentException("A " + signer.mode() + "-signed request to " + redacted(uri)
                + " was not signed: the AWS SDK's signer knows only the methods "
                + Arrays.toString(SdkHttpMethod.values()) + ", got " + method);
    }

    /** The one Host value of a request; more than one (or an empty one) is a request no server accepts. */
    private static String host(List<String> values, String earlier, URI uri) {
        for (String value : values) {
            String stripped = value == null ? "" : value.strip();
            if (stripped.isEmpty() || (earlier != null && !earlier.equals(stripped))) {
                throw new IllegalArgumentException("A request to " + redacted(uri)
                        + " can be signed with one Host header, not an empty one or two different ones");
            }
            earlier = stripped;
        }
        return earlier;
    }

    private Map<String, String> headersToAdd(
            SdkHttpRequest request, AwsCredentialsIdentity identity, Map<String, List<String>> given) {
        Map<String, String> add = new LinkedHashMap<>(8);
        if (identity != null) {
            SdkHttpRequest signed = signer.sign(request, null, identity);
            for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
                if (SignedHeaderRules.isSignatureHeader(header.getKey())) {
                    add.put(header.getKey(), header.getValue().get(0));
                }
            }
        }
        trace.addTo(add, name -> present(given, name));
        return Collections.unmodifiableMap(add);
    }

    private static boolean present(Map<String, List<String>> headers, String name) {
        for (String key : headers.keySet()) {
            if (key.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private AwsCredentialsIdentity await(CompletableFuture<AwsCredentialsIdentity> resolution, SdkHttpRequest request) {
        try {
            return resolution.get(credentialsTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw credentialsFailed(request, e);
        } catch (ExecutionException e) {
            throw credentialsFailed(request, e.getCause());
        } catch (TimeoutException e) {
            throw credentialsFailed(request, e);
        }
    }

    private LatticeClientException credentialsFailed(SdkHttpRequest request, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String subject = request.method() + " " + request.protocol() + "://" + request.host() + request.encodedPath();
        if (cause instanceof RejectedExecutionException) {
            return new LatticeClientException(subject + " was not signed: the signer is closed", null, 0);
        }
        if (cause instanceof TimeoutException) {
            return new LatticeClientException(
                    subject + " was not signed: no AWS credentials within the credentials timeout of "
                            + credentialsTimeout.toMillis() + " ms",
                    cause,
                    0);
        }
        return new LatticeClientException(
                subject + " was not signed: could not resolve AWS credentials: " + cause, cause, 0);
    }

    /** The URI without user info, query or fragment: what a message may show. */
    private static String redacted(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (ownsProvider && provider instanceof SdkAutoCloseable) {
            ((SdkAutoCloseable) provider).close();
        }
    }

    @Override
    public String toString() {
        return "LatticeRequestSigner[" + signer.mode() + (signer.region() == null ? "" : ", " + signer.region()) + ", "
                + hosts + "]";
    }

    /** The builder. */
    static final class Builder implements LatticeRequestSigner.Builder {
        private Region region;
        private AwsCredentialsProvider credentialsProvider;
        private SigningMode signingMode = SigningMode.SIGV4;
        private LatticeHosts hosts;
        private boolean signPlainHttp;
        private boolean tracePropagation = true;
        private Duration credentialsTimeout = Duration.ofSeconds(10);
        private Clock signingClock;
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
        public Builder hosts(LatticeHosts value) {
            hosts = Objects.requireNonNull(value, "hosts");
            return this;
        }

        @Override
        public Builder signPlainHttp(boolean enabled) {
            signPlainHttp = enabled;
            return this;
        }

        @Override
        public Builder tracePropagation(boolean enabled) {
            tracePropagation = enabled;
            return this;
        }

        @Override
        public Builder credentialsTimeout(Duration value) {
            credentialsTimeout = Durations.requirePositive("credentialsTimeout", value);
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
        public LatticeRequestSigner build() {
            String regionName = region == null ? null : region.id();
            if (regionName == null && (signingMode == SigningMode.SIGV4 || hosts == null)) {
                regionName = regionFromEnvironment();
            }
            LatticeHosts signed = hosts != null ? hosts : LatticeHosts.serviceDomain(regionName);
            return new DefaultLatticeRequestSigner(
                    this,
                    LatticeSigner.create(signingMode, regionName, signingClock, doubleUrlEncode, signPlainHttp),
                    signed);
        }

        /** The region of the environment, needed for SigV4 and for the default hosts. */
        private String regionFromEnvironment() {
            try {
                return EnvironmentRegion.find().id();
            } catch (SdkClientException e) {
                String need = signingMode == SigningMode.SIGV4
                        ? "No region for SigV4 signing: set LatticeRequestSigner.builder().region(...) or the"
                                + " AWS_REGION environment variable"
                        : "No region for the default hosts (the Lattice service domain of the region): set"
                                + " LatticeRequestSigner.builder().region(...), AWS_REGION, or hosts(...)";
                throw new IllegalStateException(need + " (" + e.getMessage() + ")", e);
            }
        }
    }
}
