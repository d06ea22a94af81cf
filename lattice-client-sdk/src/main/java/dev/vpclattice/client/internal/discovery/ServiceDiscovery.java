package dev.vpclattice.client.internal.discovery;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Resolves {@code LatticeClient.Builder.service(...)} once, at {@code build()}: checks that the optional
 * {@code software.amazon.awssdk:vpclattice} is on the class path, then asks the VPC Lattice control-plane API for the
 * service's DNS name ({@link VpcLatticeLookup}). No type of that jar appears here, so this class loads without it.
 */
@LatticeInternalApi
public final class ServiceDiscovery {
    private ServiceDiscovery() {}

    /**
     * Looks the service up.
     *
     * @param service the service as the user named it
     * @param port the port of the service's HTTPS listener
     * @param region the region of the control-plane API (the service's)
     * @param credentials the credentials to call it with
     * @param httpClient the HTTP client to call it through; not closed
     * @param endpoint the control-plane endpoint, or {@code null} for the SDK's endpoint of the region
     * @param timeout the bound of each control-plane call
     * @param classPresent tells whether a class is on the class path
     * @return where requests without a url go
     * @throws IllegalStateException naming the service if the jar is missing, the service is not found, has no DNS
     *     name, or the lookup fails
     */
    public static ServiceEndpoint resolve(
            ServiceIdentifier service,
            int port,
            String region,
            AwsCredentialsProvider credentials,
            SdkHttpClient httpClient,
            URI endpoint,
            Duration timeout,
            Predicate<String> classPresent) {
        if (!classPresent.test(OptionalDependencies.VPC_LATTICE_CLIENT)) {
            throw new IllegalStateException("LatticeClient.builder().service(\"" + service.value() + "\") needs"
                    + " software.amazon.awssdk:vpclattice on the class path to look up the " + service
                    + ": add it (the version of your other AWS SDK modules, which lattice-bom manages), or leave"
                    + " service(...) out and give each request the service's DNS name with LatticeRequest.Builder.url."
                    + " On the module path, also resolve the module software.amazon.awssdk.services.vpclattice");
        }
        String dnsName = VpcLatticeLookup.dnsName(service, region, credentials, httpClient, endpoint, timeout);
        return new ServiceEndpoint(service, dnsName, port);
    }
}
