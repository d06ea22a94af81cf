package dev.vpclattice.client.internal.discovery;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.internal.LatticeInternalApi;
import java.net.URI;
import java.util.Objects;

/**
 * The service a client was built for ({@code LatticeClient.Builder.service(...)}), resolved once: the requests
 * without a url go to {@code https://<dns-name>[:port]} followed by their own path and query.
 */
@LatticeInternalApi
public final class ServiceEndpoint {
    private final ServiceIdentifier service;
    private final URI base;

    /**
     * Creates the endpoint.
     *
     * @param service what the user named
     * @param dnsName the DNS name the service has
     * @param port the port of its HTTPS listener
     */
    public ServiceEndpoint(ServiceIdentifier service, String dnsName, int port) {
        this.service = Objects.requireNonNull(service, "service");
        this.base = URI.create("https://" + dnsName + (port == 443 ? "" : ":" + port));
    }

    /** @return {@code https://<dns-name>[:port]} */
    public URI base() {
        return base;
    }

    /** @return the identifier the service was named by */
    public ServiceIdentifier service() {
        return service;
    }

    /**
     * Returns the request a client sends: the request itself when it has a url, otherwise a copy aimed at this
     * service, with the same path, query, headers, body and settings.
     *
     * @param request the caller's request
     * @return a request with a url
     */
    public LatticeRequest resolve(LatticeRequest request) {
        if (request.hasUrl()) {
            return request;
        }
        // The url is the service's; the request's own path and query come after it.
        return request.toBuilder().url(base).build();
    }
}
