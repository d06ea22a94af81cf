package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeCallListener;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.VpcLatticeClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** Collects the settings of a {@link VpcLatticeClient}, checks that they fit together, and wires the client. */
@LatticeInternalApi
public final class DefaultVpcLatticeClientBuilder implements VpcLatticeClient.Builder {
    /** Lattice caps a response at 6 MB; 10 MiB leaves room without letting a misbehaving target exhaust the heap. */
    static final int DEFAULT_MAX_RESPONSE_BODY_SIZE = 10 * 1024 * 1024;
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
    private SdkHttpClient httpClient;
    private SdkHttpClient.Builder<?> httpClientBuilder;
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
    private ServiceIdentifier service;
    private int servicePort = 443;
    private URI serviceDiscoveryEndpoint;

    DefaultVpcLatticeClientBuilder() {
    }

    @Override
    public VpcLatticeClient.Builder region(Region value) {
        region = Objects.requireNonNull(value, "region");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder credentialsProvider(AwsCredentialsProvider value) {
        credentialsProvider = Objects.requireNonNull(value, "credentialsProvider");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder signingMode(SigningMode value) {
        signingMode = Objects.requireNonNull(value, "signingMode");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder connectTimeout(Duration value) {
        connectTimeout = Durations.requirePositive("connectTimeout", value);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder readTimeout(Duration value) {
        readTimeout = Durations.requirePositive("readTimeout", value);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder callTimeout(Duration value) {
        callTimeout = Durations.requirePositive("callTimeout", value);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder maxAttempts(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + value);
        }
        maxAttempts = value;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder maxResponseBodySize(int bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxResponseBodySize must be between 1 and " + (Integer.MAX_VALUE - 8)
                    + " bytes, got " + bytes);
        }
        maxResponseBodySize = bytes;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder backoffBase(Duration value) {
        backoffBase = Durations.requirePositive("backoffBase", value);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder backoffMax(Duration value) {
        backoffMax = Durations.requirePositive("backoffMax", value);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder retryAfterCap(Duration value) {
        Objects.requireNonNull(value, "retryAfterCap");
        if (value.isNegative()) {
            throw new IllegalArgumentException("retryAfterCap must not be negative, got " + value);
        }
        retryAfterCap = value;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder httpClient(SdkHttpClient value) {
        httpClient = Objects.requireNonNull(value, "httpClient");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder httpClientBuilder(SdkHttpClient.Builder<?> value) {
        httpClientBuilder = Objects.requireNonNull(value, "httpClientBuilder");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder trustedCertificates(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        trustedCertificates.addAll(TrustMaterial.readCertificates(pemFile));
        return this;
    }

    @Override
    public VpcLatticeClient.Builder trustedCertificates(X509Certificate... certificates) {
        Objects.requireNonNull(certificates, "certificates");
        for (X509Certificate certificate : certificates) {
            trustedCertificates.add(Objects.requireNonNull(certificate, "certificate"));
        }
        return this;
    }

    @Override
    public VpcLatticeClient.Builder trustManagers(TrustManager... managers) {
        Objects.requireNonNull(managers, "trustManagers");
        for (TrustManager manager : managers) {
            Objects.requireNonNull(manager, "trustManager");
            if (!(manager instanceof X509TrustManager)) {
                throw new IllegalArgumentException("trustManagers accepts X509TrustManagers only, got a "
                        + manager.getClass().getName());
            }
            trustManagers.add(manager);
        }
        return this;
    }

    @Override
    public VpcLatticeClient.Builder objectMapper(ObjectMapper value) {
        objectMapper = Objects.requireNonNull(value, "objectMapper");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder signingClock(Clock value) {
        signingClock = Objects.requireNonNull(value, "signingClock");
        return this;
    }

    @Override
    public VpcLatticeClient.Builder doubleUrlEncode(boolean enabled) {
        doubleUrlEncode = enabled;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder tracing(boolean enabled) {
        tracing = enabled;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder service(String serviceArnIdOrName) {
        service = ServiceIdentifier.parse(serviceArnIdOrName);
        return this;
    }

    @Override
    public VpcLatticeClient.Builder xRayTracing(boolean enabled) {
        xRayTracing = enabled;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder servicePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("servicePort must be between 1 and 65535, got " + port);
        }
        servicePort = port;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder serviceDiscoveryEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "serviceDiscoveryEndpoint");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("serviceDiscoveryEndpoint must be an http or https URI with a host, got '"
                    + endpoint + "'");
        }
        serviceDiscoveryEndpoint = endpoint;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder openTelemetryTracing(boolean enabled) {
        openTelemetryTracing = enabled;
        return this;
    }

    @Override
    public VpcLatticeClient.Builder addCallListener(LatticeCallListener listener) {
        callListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public VpcLatticeClient.Builder wireLogRedactedHeaders(String... headerNames) {
        Objects.requireNonNull(headerNames, "headerNames");
        for (String name : headerNames) {
            Objects.requireNonNull(name, "headerName");
            if (name.isBlank()) {
                throw new IllegalArgumentException("wireLogRedactedHeaders: a header name must not be blank");
            }
            wireLogRedactedHeaders.add(name.strip());
        }
        return this;
    }

    /** The observers this builder's settings ask for (for the async client too). */
    CallObservers callObservers() {
        return CallObservers.create(tracing && xRayTracing, tracing && openTelemetryTracing,
                List.copyOf(callListeners), wireLogRedactedHeaders, OptionalDependencies.CLASSPATH);
    }

    @Override
    public VpcLatticeClient build() {
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must not be shorter than backoffBase ("
                    + backoffBase + ")");
        }
        if (httpClient != null) {
            List<String> conflicts = new ArrayList<>();
            if (httpClientBuilder != null) {
                conflicts.add("httpClientBuilder");
            }
            if (connectTimeout != null) {
                conflicts.add("connectTimeout");
            }
            if (readTimeout != null) {
                conflicts.add("readTimeout");
            }
            if (!trustedCertificates.isEmpty()) {
                conflicts.add("trustedCertificates");
            }
            if (!trustManagers.isEmpty()) {
                conflicts.add("trustManagers");
            }
            if (!conflicts.isEmpty()) {
                throw new IllegalArgumentException("The httpClient and " + String.join(", ", conflicts) + " can't both"
                        + " be configured: a client you pass is used as it is, so configure " + String.join(", ",
                        conflicts) + " on it, or pass its builder with httpClientBuilder(...) instead");
            }
        }
        String regionName = region == null ? null : region.id();
        if (service != null && service.arnRegion() != null) {
            // The service lives in its ARN's region: that is where to look it up, and what a SigV4 signature must name.
            if (regionName != null && !regionName.equals(service.arnRegion())) {
                throw new IllegalStateException("The " + service + " is in region " + service.arnRegion() + ", but the"
                        + " client is set to region " + regionName + ": Lattice would reject its signatures; set"
                        + " region(Region.of(\"" + service.arnRegion() + "\")) or leave region(...) out");
            }
            regionName = service.arnRegion();
        }
        if (regionName == null && (signingMode == SigningMode.SIGV4 || service != null)) {
            try {
                regionName = new DefaultAwsRegionProviderChain().getRegion().id();
            } catch (SdkClientException e) {
                throw new IllegalStateException("No region for " + (signingMode == SigningMode.SIGV4 ? "SigV4 signing"
                        : "looking up the " + service) + ": set VpcLatticeClient.builder().region(...)"
                        + " or the AWS_REGION environment variable (" + e.getMessage() + ")", e);
            }
        }
        LatticeSigner signer = LatticeSigner.create(signingMode, regionName, signingClock, doubleUrlEncode);

        boolean ownsHttpClient = httpClient == null;
        SdkHttpClient http = httpClient;
        if (http == null) {
            TrustManager trust = trustedCertificates.isEmpty() && trustManagers.isEmpty() ? null
                    : TrustMaterial.combine(TrustMaterial.jvmDefault(), trustedCertificates, trustManagers);
            http = HttpClients.build(httpClientBuilder,
                    connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT,
                    readTimeout != null ? readTimeout : DEFAULT_READ_TIMEOUT, trust);
        }

        AwsCredentialsProvider provider = null;
        boolean ownsProvider = false;
        CredentialsCache cache = null;
        ThreadPoolExecutor refresher = null;
        if (signingMode != SigningMode.NONE) {
            provider = credentialsProvider;
            if (provider == null) {
                provider = DefaultCredentialsProvider.builder().build();
                ownsProvider = true;
            }
            // No thread exists until credentials are first needed, and it ends after a minute without work.
            refresher = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "lattice-client-credentials");
                thread.setDaemon(true);
                return thread;
            });
            cache = new CredentialsCache(provider, refresher, System::currentTimeMillis);
        }
        DefaultVpcLatticeClient.Resources resources = new DefaultVpcLatticeClient.Resources(http, ownsHttpClient,
                provider, ownsProvider, refresher);
        ServiceEndpoint serviceEndpoint = null;
        if (service != null) {
            serviceEndpoint = discover(regionName, provider, http, resources);
        }
        ResponseFactory responses = new ResponseFactory(objectMapper, maxResponseBodySize);
        Backoff backoff = new Backoff(backoffBase, backoffMax, retryAfterCap,
                bound -> ThreadLocalRandom.current().nextLong(bound + 1));
        return new DefaultVpcLatticeClient(signer, cache,
                new SyncTransport(http, DeadlineTimer.shared(), responses),
                new RetryPolicy(maxAttempts, backoff, Clock.systemUTC()), callObservers(), objectMapper,
                callTimeout, resources, serviceEndpoint);
    }

    /** Looks the service up once; a failure releases what build() created so far, and names the service. */
    private ServiceEndpoint discover(String regionName, AwsCredentialsProvider signingProvider, SdkHttpClient http,
            DefaultVpcLatticeClient.Resources resources) {
        // Without signing (SigningMode.NONE) the client has no provider of its own; the lookup still needs one.
        AwsCredentialsProvider provider = signingProvider != null ? signingProvider
                : credentialsProvider != null ? credentialsProvider : DefaultCredentialsProvider.builder().build();
        try {
            return ServiceDiscovery.resolve(service, servicePort, regionName, provider, http,
                    serviceDiscoveryEndpoint, callTimeout, OptionalDependencies.CLASSPATH);
        } catch (RuntimeException | Error e) {
            resources.close();
            throw e;
        } finally {
            if (provider != signingProvider && provider != credentialsProvider) {
                ((DefaultCredentialsProvider) provider).close();
            }
        }
    }
}
