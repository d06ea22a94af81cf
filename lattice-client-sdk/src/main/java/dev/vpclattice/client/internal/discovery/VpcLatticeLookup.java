package dev.vpclattice.client.internal.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.vpclattice.VpcLatticeClient;
import software.amazon.awssdk.services.vpclattice.VpcLatticeClientBuilder;
import software.amazon.awssdk.services.vpclattice.model.DnsEntry;
import software.amazon.awssdk.services.vpclattice.model.GetServiceResponse;
import software.amazon.awssdk.services.vpclattice.model.ResourceNotFoundException;
import software.amazon.awssdk.services.vpclattice.model.ServiceSummary;

/**
 * The calls to the VPC Lattice control-plane API that find a service's DNS name ({@code dnsEntry.domainName}):
 * {@code GetService} for an ARN or ID, {@code ListServices} for a name (no other operation takes a name). Loaded only
 * when {@code software.amazon.awssdk:vpclattice} is on the class path ({@link ServiceDiscovery}).
 */
final class VpcLatticeLookup {
    private static final Logger LOG = LoggerFactory.getLogger(VpcLatticeLookup.class);

    private VpcLatticeLookup() {}

    static String dnsName(
            ServiceIdentifier service,
            String region,
            AwsCredentialsProvider credentials,
            SdkHttpClient httpClient,
            URI endpoint,
            Duration timeout) {
        // A lambda, so the SDK client cannot close the caller's provider; the HTTP client it never closes.
        AwsCredentialsProvider borrowed = credentials::resolveCredentials;
        VpcLatticeClientBuilder builder = VpcLatticeClient.builder()
                .region(Region.of(region))
                .credentialsProvider(borrowed)
                .httpClient(httpClient)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        String operation = service.kind() == ServiceIdentifier.Kind.NAME ? "ListServices" : "GetService";
        try (VpcLatticeClient client = builder.build()) {
            String arn;
            DnsEntry dns;
            String status;
            if (service.kind() == ServiceIdentifier.Kind.NAME) {
                ServiceSummary summary = byName(client, service, region);
                arn = summary.arn();
                dns = summary.dnsEntry();
                status = summary.statusAsString();
            } else {
                GetServiceResponse found = client.getService(r -> r.serviceIdentifier(service.value()));
                arn = found.arn();
                dns = found.dnsEntry();
                status = found.statusAsString();
            }
            String name = dns == null ? null : dns.domainName();
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("The " + service + " (" + arn + ") has no DNS name: " + operation
                        + " answered without dnsEntry.domainName (status " + status + "). Give requests a url instead"
                        + " (LatticeRequest.Builder.url)");
            }
            if (status != null && !"ACTIVE".equals(status)) {
                LOG.warn("The {} ({}) is {}, not ACTIVE: calls to {} may fail", service, arn, status, name);
            }
            LOG.debug("Resolved the {} ({}) to {} through {} in {}", service, arn, name, operation, region);
            return name;
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException(
                    "The " + service + " was not found in region " + region + " (" + operation + ": " + e.getMessage()
                            + "): check the " + service.kind() + " and the region",
                    e);
        } catch (SdkException e) {
            String hint = e instanceof SdkServiceException && ((SdkServiceException) e).statusCode() == 403
                    ? "; the caller needs vpc-lattice:" + operation + " on it"
                    : "";
            throw new IllegalStateException(
                    "Could not look up the " + service + " through the VPC Lattice API in " + region + " (" + operation
                            + "): " + e.getMessage() + hint,
                    e);
        }
    }

    /** ListServices lists the services the account owns and those shared with it: a name may match more than one. */
    private static ServiceSummary byName(VpcLatticeClient client, ServiceIdentifier service, String region) {
        List<ServiceSummary> matches = new ArrayList<>();
        for (ServiceSummary summary : client.listServicesPaginator(r -> {}).items()) {
            if (service.value().equals(summary.name())) {
                matches.add(summary);
            }
        }
        if (matches.isEmpty()) {
            throw new IllegalStateException("No VPC Lattice service named '" + service.value() + "' is owned by or"
                    + " shared with this account in region " + region + " (ListServices): check the name and the"
                    + " region, or name the service by ARN or ID");
        }
        if (matches.size() > 1) {
            List<String> arns = new ArrayList<>();
            matches.forEach(m -> arns.add(m.arn()));
            throw new IllegalStateException("The " + service + " matches " + matches.size() + " services owned by or"
                    + " shared with this account in region " + region + " " + arns + ": name the one to call by ARN");
        }
        return matches.get(0);
    }
}
