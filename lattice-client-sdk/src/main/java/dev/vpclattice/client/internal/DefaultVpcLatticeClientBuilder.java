package dev.vpclattice.client.internal;

import dev.vpclattice.client.VpcLatticeClient;
import java.util.Objects;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Collects the settings of a {@link VpcLatticeClient}, checks that they fit together, and wires the client. The settings
 * it shares with the async client live in {@link ClientSettings}; the HTTP client ones are its own.
 */
@LatticeInternalApi
public final class DefaultVpcLatticeClientBuilder extends ClientSettings<VpcLatticeClient.Builder>
        implements VpcLatticeClient.Builder {
    private SdkHttpClient httpClient;
    private SdkHttpClient.Builder<?> httpClientBuilder;

    DefaultVpcLatticeClientBuilder() {
    }

    @Override
    VpcLatticeClient.Builder self() {
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
    public VpcLatticeClient build() {
        checkSettings();
        if (httpClient != null) {
            refuseWithCallersHttpClient(httpClientBuilder != null);
        }
        LatticeSigner signer = signer("VpcLatticeClient");

        boolean ownsHttpClient = httpClient == null;
        SdkHttpClient http = httpClient;
        if (http == null) {
            http = HttpClients.build(httpClientBuilder, connectTimeoutOrDefault(), readTimeoutOrDefault(), trust());
        }

        Credentials credentials = credentials();
        return new DefaultVpcLatticeClient(signer, credentials.cache,
                new SyncTransport(http, DeadlineTimer.shared(), responses("VpcLatticeClient.Builder")),
                retryPolicy(), tracer(), objectMapper(), callTimeout(),
                new DefaultVpcLatticeClient.Resources(http, ownsHttpClient, credentials.provider, credentials.owned,
                        credentials.refresher));
    }
}
