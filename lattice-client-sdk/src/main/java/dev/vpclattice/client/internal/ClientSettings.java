package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeBaseClientBuilder;
import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.auth.CredentialsCache;
import dev.vpclattice.client.internal.auth.EnvironmentRegion;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.call.RetryPolicy;
import dev.vpclattice.client.internal.http.ResponseFactory;
import dev.vpclattice.client.internal.http.TrustMaterial;
import dev.vpclattice.client.internal.observe.CompositeObserver;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The settings that the sync and the async client builders share, their checks, and the parts both clients are wired
 * from (signer, credentials cache, retry policy, call observers, response factory). Each builder adds only its HTTP client
 * settings and its {@code build()}. It implements the public {@link LatticeBaseClientBuilder}, which documents each setting,
 * once for both {@code LatticeClient.Builder} and {@code LatticeAsyncClient.Builder}.
 *
 * @param <B> the public builder interface the subclass implements
 * @param <C> the client it builds
 */
@LatticeInternalApi
public abstract class ClientSettings<B extends LatticeBaseClientBuilder<B, C>, C>
        implements LatticeBaseClientBuilder<B, C> {
    /** Lattice caps a response at 6 MB; 10 MiB leaves room without letting a misbehaving target exhaust the heap. */
    static final int DEFAULT_MAX_RESPONSE_BODY_SIZE = 10 * 1024 * 1024;

    /** Bodies above 1 MiB go with {@code Expect: 100-continue}, as curl sends them (docs/decisions.md). */
    static final long DEFAULT_EXPECT_CONTINUE_THRESHOLD = 1024 * 1024;

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private Region region;
    private AwsCredentialsProvider credentialsProvider;
    private SigningMode signingMode = SigningMode.SIGV4;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration callTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 3;
    private int maxResponseBodySize = DEFAULT_MAX_RESPONSE_BODY_SIZE;
    private Duration backoffBase = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration retryAfterCap = Duration.ofSeconds(20);
    private long expectContinueThreshold = DEFAULT_EXPECT_CONTINUE_THRESHOLD;
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private final List<TrustManager> trustManagers = new ArrayList<>();
    private ObjectMapper objectMapper;
    private Clock signingClock;
    private boolean tracing = true;
    private boolean xRayTracing = true;
    private boolean openTelemetryTracing = true;
    private final List<LatticeCallListener> callListeners = new ArrayList<>();
    private final List<String> wireLogRedactedHeaders = new ArrayList<>();
    private boolean doubleUrlEncode = true;
    private boolean signPlainHttp;

    ClientSettings() {}

    /**
     * Returns this builder as its public interface.
     *
     * @return {@code this}
     */
    abstract B self();

    @Override
    public B region(Region value) {
        region = Objects.requireNonNull(value, "region");
        return self();
    }

    @Override
    public B credentialsProvider(AwsCredentialsProvider value) {
        credentialsProvider = Objects.requireNonNull(value, "credentialsProvider");
        return self();
    }

    @Override
    public B signingMode(SigningMode value) {
        signingMode = Objects.requireNonNull(value, "signingMode");
        return self();
    }

    @Override
    public B connectTimeout(Duration value) {
        connectTimeout = Durations.requirePositive("connectTimeout", value);
        return self();
    }

    @Override
    public B readTimeout(Duration value) {
        readTimeout = Durations.requirePositive("readTimeout", value);
        return self();
    }

    @Override
    public B callTimeout(Duration value) {
        callTimeout = Durations.requirePositive("callTimeout", value);
        return self();
    }

    @Override
    public B maxAttempts(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + value);
        }
        maxAttempts = value;
        return self();
    }

    @Override
    public B maxResponseBodySize(int bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "maxResponseBodySize must be between 1 and " + (Integer.MAX_VALUE - 8) + " bytes, got " + bytes);
        }
        maxResponseBodySize = bytes;
        return self();
    }

    @Override
    public B backoffBase(Duration value) {
        backoffBase = atLeastOneMilli("backoffBase", value);
        return self();
    }

    @Override
    public B backoffMax(Duration value) {
        backoffMax = atLeastOneMilli("backoffMax", value);
        return self();
    }

    /** The SDK's backoff strategies count in whole milliseconds. */
    private static Duration atLeastOneMilli(String name, Duration value) {
        Durations.requirePositive(name, value);
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, got " + value);
        }
        return value;
    }

    @Override
    public B expectContinueThreshold(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("expectContinueThreshold must not be negative, got " + bytes);
        }
        expectContinueThreshold = bytes;
        return self();
    }

    /** @return bodies longer than this are sent with {@code Expect: 100-continue} */
    final long expectContinueThreshold() {
        return expectContinueThreshold;
    }

    @Override
    public B retryAfterCap(Duration value) {
        Objects.requireNonNull(value, "retryAfterCap");
        if (value.isNegative()) {
            throw new IllegalArgumentException("retryAfterCap must not be negative, got " + value);
        }
        retryAfterCap = value;
        return self();
    }

    @Override
    public B trustedCertificates(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        trustedCertificates.addAll(TrustMaterial.readCertificates(pemFile));
        return self();
    }

    @Override
    public B trustedCertificates(X509Certificate... certificates) {
        Objects.requireNonNull(certificates, "certificates");
        for (X509Certificate certificate : certificates) {
            trustedCertificates.add(Objects.requireNonNull(certificate, "certificate"));
        }
        return self();
    }

    @Override
    public B trustManagers(TrustManager... managers) {
        Objects.requireNonNull(managers, "trustManagers");
        for (TrustManager manager : managers) {
            Objects.requireNonNull(manager, "trustManager");
            if (!(manager instanceof X509TrustManager)) {
                throw new IllegalArgumentException("trustManagers accepts X509TrustManagers only, got a "
                        + manager.getClass().getName());
            }
            trustManagers.add(manager);
        }
        return self();
    }

    @Override
    public B objectMapper(ObjectMapper value) {
        objectMapper = Objects.requireNonNull(value, "objectMapper");
        return self();
    }

    @Override
    public B signingClock(Clock value) {
        signingClock = Objects.requireNonNull(value, "signingClock");
        return self();
    }

    @Override
    public B doubleUrlEncode(boolean enabled) {
        doubleUrlEncode = enabled;
        return self();
    }

    @Override
    public B signPlainHttp(boolean enabled) {
        signPlainHttp = enabled;
        return self();
    }

    @Override
    public B tracing(boolean enabled) {
        tracing = enabled;
        return self();
    }

    @Override
    public B xRayTracing(boolean enabled) {
        xRayTracing = enabled;
        return self();
    }

    @Override
    public B openTelemetryTracing(boolean enabled) {
        openTelemetryTracing = enabled;
        return self();
    }

    @Override
    public B addCallListener(LatticeCallListener listener) {
        callListeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    @Override
    public B wireLogRedactedHeaders(String... headerNames) {
        Objects.requireNonNull(headerNames, "headerNames");
        for (String name : headerNames) {
            Objects.requireNonNull(name, "headerName");
            if (name.isBlank()) {
                throw new IllegalArgumentException("wireLogRedactedHeaders: a header name must not be blank");
            }
            wireLogRedactedHeaders.add(name.strip());
        }
        return self();
    }

    /** Refuses settings that contradict each other whatever the HTTP client. */
    final void checkSettings() {
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException(
                    "backoffMax (" + backoffMax + ") must not be shorter than backoffBase (" + backoffBase + ")");
        }
    }

    /**
     * Refuses the settings that only apply to an HTTP client the library builds when the caller passed their own.
     *
     * @param httpClientBuilderSet whether the builder's {@code httpClientBuilder} was set too
     */
    final void refuseWithCallersHttpClient(boolean httpClientBuilderSet) {
        List<String> conflicts = new ArrayList<>();
        if (httpClientBuilderSet) {
            conflicts.add("httpClientBuilder");
        }
        if (connectTimeout != null) {
            conflicts.add("connectTimeout");
        }
        if (readTimeout != null) {
            conflicts.add("readTimeout");
        }
        conflicts.addAll(trustSettings());
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("The httpClient and " + String.join(", ", conflicts) + " can't both"
                    + " be configured: a client you pass is used as it is, so configure " + String.join(", ", conflicts)
                    + " on it, or pass its builder with httpClientBuilder(...) instead");
        }
    }

    /** @return the names of the trust settings that were set, in the order the builder documents them */
    final List<String> trustSettings() {
        List<String> set = new ArrayList<>();
        if (!trustedCertificates.isEmpty()) {
            set.add("trustedCertificates");
        }
        if (!trustManagers.isEmpty()) {
            set.add("trustManagers");
        }
        return set;
    }

    /**
     * Creates the signer, finding the region in the environment when none was set.
     *
     * @param clientName the public interface, for the message, e.g. {@code LatticeClient}
     * @return the signer
     * @throws IllegalStateException if SigV4 has no region, or SigV4A lacks its dependency
     */
    final LatticeSigner signer(String clientName) {
        String regionName = region == null ? null : region.id();
        if (regionName == null && signingMode == SigningMode.SIGV4) {
            regionName = regionFromEnvironment(clientName, "SigV4 signing");
        }
        return signerFor(regionName);
    }

    /**
     * Creates the signer for a region the builder has decided.
     *
     * @param regionName the region, or null when the mode needs none
     * @return the signer
     */
    final LatticeSigner signerFor(String regionName) {
        return LatticeSigner.create(signingMode, regionName, signingClock, doubleUrlEncode, signPlainHttp);
    }

    /**
     * Finds the region in the environment (the SDK's default region chain).
     *
     * @param clientName the public interface, for the message
     * @param purpose what needs the region, for the message
     * @return the region's id
     * @throws IllegalStateException if there is none
     */
    static String regionFromEnvironment(String clientName, String purpose) {
        try {
            return EnvironmentRegion.find().id();
        } catch (SdkClientException e) {
            throw new IllegalStateException(
                    "No region for " + purpose + ": set " + clientName + ".builder().region(...)"
                            + " or the AWS_REGION environment variable (" + e.getMessage() + ")",
                    e);
        }
    }

    /** @return the region set on the builder, or null */
    final String regionOrNull() {
        return region == null ? null : region.id();
    }

    /** @return the signing mode */
    final SigningMode signingMode() {
        return signingMode;
    }

    /** @return the credentials provider set on the builder, or null */
    final AwsCredentialsProvider credentialsProviderOrNull() {
        return credentialsProvider;
    }

    /** @return the trust for an HTTP client the library builds: the JVM's plus what was added, or null for the JVM's */
    final TrustManager trust() {
        return trustedCertificates.isEmpty() && trustManagers.isEmpty()
                ? null
                : TrustMaterial.combine(TrustMaterial.jvmDefault(), trustedCertificates, trustManagers);
    }

    /** @return the connect timeout for an HTTP client the library builds */
    final Duration connectTimeoutOrDefault() {
        return connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT;
    }

    /** @return the read timeout for an HTTP client the library builds */
    final Duration readTimeoutOrDefault() {
        return readTimeout != null ? readTimeout : DEFAULT_READ_TIMEOUT;
    }

    /** @return the client's call timeout */
    final Duration callTimeout() {
        return callTimeout;
    }

    /** @return the caller's mapper, or null for the library's default */
    final ObjectMapper objectMapper() {
        return objectMapper;
    }

    /** @return the observers of calls these settings ask for: tracers, listeners, the wire log */
    final CompositeObserver callObservers() {
        return CompositeObserver.create(
                tracing && xRayTracing,
                tracing && openTelemetryTracing,
                List.copyOf(callListeners),
                wireLogRedactedHeaders,
                OptionalDependencies.CLASSPATH);
    }

    /** @return the retry policy for these settings */
    final RetryPolicy retryPolicy() {
        return new RetryPolicy(
                maxAttempts,
                BackoffStrategy.exponentialDelay(backoffBase, backoffMax),
                retryAfterCap,
                Clock.systemUTC());
    }

    /**
     * Returns the response factory.
     *
     * @param builderName the public builder, named in the body-size message, e.g. {@code LatticeClient.Builder}
     * @return the factory
     */
    final ResponseFactory responses(String builderName) {
        return new ResponseFactory(objectMapper, maxResponseBodySize, builderName);
    }

    /**
     * Wires the credentials: the provider (the default chain, owned, when none was set), the thread that refreshes
     * and the cache. Nothing for {@link SigningMode#NONE}.
     *
     * @return the credentials parts
     */
    final Credentials credentials() {
        if (signingMode == SigningMode.NONE) {
            return new Credentials(null, false, null, null);
        }
        AwsCredentialsProvider provider = credentialsProvider;
        boolean owned = false;
        if (provider == null) {
            provider = DefaultCredentialsProvider.builder().build();
            owned = true;
        }
        ThreadPoolExecutor refresher = CredentialsCache.newRefresher();
        return new Credentials(
                provider, owned, refresher, new CredentialsCache(provider, refresher, System::currentTimeMillis));
    }

    /** Where a client's credentials come from, and what it must release on close. */
    static final class Credentials {
        final AwsCredentialsProvider provider;
        final boolean owned;
        final ThreadPoolExecutor refresher;
        final CredentialsCache cache;

        Credentials(
                AwsCredentialsProvider provider, boolean owned, ThreadPoolExecutor refresher, CredentialsCache cache) {
            this.provider = provider;
            this.owned = owned;
            this.refresher = refresher;
            this.cache = cache;
        }
    }
}
