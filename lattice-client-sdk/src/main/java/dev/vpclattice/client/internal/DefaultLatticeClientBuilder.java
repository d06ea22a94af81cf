package dev.vpclattice.client.internal;

import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.client.internal.call.CallPipeline;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import dev.vpclattice.client.internal.compat.DependencyCheck;
import dev.vpclattice.client.internal.discovery.ServiceDiscovery;
import dev.vpclattice.client.internal.discovery.ServiceEndpoint;
import dev.vpclattice.client.internal.discovery.ServiceIdentifier;
import dev.vpclattice.client.internal.http.HttpClients;
import java.net.URI;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Collects the settings of a {@link LatticeClient}, checks that they fit together, and wires the client. The settings
 * it shares with the async client live in {@link ClientSettings}; the HTTP client and service discovery ones are its
 * own.
 */
@LatticeInternalApi
public final class DefaultLatticeClientBuilder extends ClientSettings<LatticeClient.Builder, LatticeClient>
        implements LatticeClient.Builder {
    static final String NEEDS_APACHE5 = "LatticeClient needs an HTTP client: add software.amazon.awssdk:apache5-client"
            + " (its default, version managed by lattice-bom or the AWS SDK BOM) to your dependencies (on the module"
            + " path also requires software.amazon.awssdk.http.apache5, or --add-modules"
            + " software.amazon.awssdk.http.apache5), or pass one with httpClient(...) or httpClientBuilder(...)";
    private SdkHttpClient httpClient;
    private SdkHttpClient.Builder<?> httpClientBuilder;
    private ServiceIdentifier service;
    private int servicePort = 443;
    private URI serviceDiscoveryEndpoint;
    private final Predicate<String> classPresent;

    DefaultLatticeClientBuilder() {
        this(OptionalDependencies.CLASSPATH);
    }

    DefaultLatticeClientBuilder(Predicate<String> classPresent) {
        this.classPresent = classPresent;
    }

    @Override
    LatticeClient.Builder self() {
        return this;
    }

    @Override
    public LatticeClient.Builder httpClient(SdkHttpClient value) {
        httpClient = Objects.requireNonNull(value, "httpClient");
        return this;
    }

    @Override
    public LatticeClient.Builder httpClientBuilder(SdkHttpClient.Builder<?> value) {
        httpClientBuilder = Objects.requireNonNull(value, "httpClientBuilder");
        return this;
    }

    @Override
    public LatticeClient.Builder service(String serviceArnIdOrName) {
        service = ServiceIdentifier.parse(serviceArnIdOrName);
        return this;
    }

    @Override
    public LatticeClient.Builder servicePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("servicePort must be between 1 and 65535, got " + port);
        }
        servicePort = port;
        return this;
    }

    @Override
    public LatticeClient.Builder serviceDiscoveryEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "serviceDiscoveryEndpoint");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    "serviceDiscoveryEndpoint must be an http or https URI with a host, got '" + endpoint + "'");
        }
        serviceDiscoveryEndpoint = endpoint;
        return this;
    }

    @Override
    public LatticeClient build() {
        DependencyCheck.verify(); // below a dependency's floor: fail here, not at the first call
        checkSettings();
        if (httpClient != null) {
            refuseWithCallersHttpClient(httpClientBuilder != null);
        } else if (httpClientBuilder == null && !classPresent.test(OptionalDependencies.APACHE5_HTTP_CLIENT)) {
            throw new IllegalStateException(NEEDS_APACHE5);
        }
        String regionName = regionOrNull();
        if (service != null && service.arnRegion() != null) {
            // The service lives in its ARN's region: that is where to look it up, and what a SigV4 signature must name.
            if (regionName != null && !regionName.equals(service.arnRegion())) {
                throw new IllegalStateException("The " + service + " is in region " + service.arnRegion() + ", but the"
                        + " client is set to region " + regionName + ": Lattice would reject its signatures; set"
                        + " region(Region.of(\"" + service.arnRegion() + "\")) or leave region(...) out");
            }
            regionName = service.arnRegion();
        }
        if (regionName == null && (signingMode() == SigningMode.SIGV4 || service != null)) {
            regionName = regionFromEnvironment(
                    "LatticeClient",
                    signingMode() == SigningMode.SIGV4 ? "SigV4 signing" : "looking up the " + service);
        }
        LatticeSigner signer = signerFor(regionName);

        boolean ownsHttpClient = httpClient == null;
        SdkHttpClient http = httpClient;
        if (http == null) {
            http = HttpClients.build(httpClientBuilder, connectTimeoutOrDefault(), readTimeoutOrDefault(), trust());
        }

        Credentials credentials = credentials();
        DefaultLatticeClient.Resources resources = new DefaultLatticeClient.Resources(
                http, ownsHttpClient, credentials.provider, credentials.owned, credentials.refresher);
        ServiceEndpoint serviceEndpoint = null;
        if (service != null) {
            serviceEndpoint = discover(regionName, credentials.provider, http, resources);
        }
        CallPipeline pipeline = new CallPipeline(
                signer,
                credentials.cache,
                retryPolicy(),
                callObservers(),
                objectMapper(),
                callTimeout(),
                serviceEndpoint,
                DeadlineTimer.shared(),
                expectContinueThreshold());
        return new DefaultLatticeClient(pipeline, http, responses("LatticeClient.Builder"), resources, serviceEndpoint);
    }

    /** Looks the service up once; a failure releases what build() created so far, and names the service. */
    private ServiceEndpoint discover(
            String regionName,
            AwsCredentialsProvider signingProvider,
            SdkHttpClient http,
            DefaultLatticeClient.Resources resources) {
        // Without signing (SigningMode.NONE) the client has no provider of its own; the lookup still needs one.
        AwsCredentialsProvider callers = credentialsProviderOrNull();
        AwsCredentialsProvider provider = signingProvider != null
                ? signingProvider
                : callers != null
                        ? callers
                        : DefaultCredentialsProvider.builder().build();
        try {
            return ServiceDiscovery.resolve(
                    service,
                    servicePort,
                    regionName,
                    provider,
                    http,
                    serviceDiscoveryEndpoint,
                    callTimeout(),
                    OptionalDependencies.CLASSPATH);
        } catch (RuntimeException | Error e) {
            resources.close();
            throw e;
        } finally {
            if (provider != signingProvider && provider != callers) {
                ((DefaultCredentialsProvider) provider).close();
            }
        }
    }
}
