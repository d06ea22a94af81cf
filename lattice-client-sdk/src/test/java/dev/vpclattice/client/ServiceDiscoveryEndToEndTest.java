package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalLattice;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.vpclattice.model.CreateServiceResponse;

/**
 * A discovered service called end to end: moto's control plane gives the DNS name, a LocalLattice serves that name
 * (its certificate covers it) and verifies SigV4 under AWS_IAM, and the HTTP client's resolver maps the name to
 * 127.0.0.1, as a VPC's resolver maps a Lattice service name to the Lattice data plane. Requests carry only a path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceDiscoveryEndToEndTest {
    private static final String PRINCIPAL = "arn:aws:iam::123456789012:user/orders-client";
    private static final String KEY = "AKIDDISCOVERYE2E0001";
    private static final String SECRET = "discovery-end-to-end-secret";

    /** Maps one name to the loopback address and leaves every other name to the system resolver. */
    private static DnsResolver resolving(String name) {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return host.equalsIgnoreCase(name)
                        ? new InetAddress[] {InetAddress.getByName("127.0.0.1")}
                        : SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return host.equalsIgnoreCase(name)
                        ? name
                        : SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
    }

    @Test
    void requestsWithOnlyAPath_goToTheDiscoveredService_signed() throws Exception {
        List<VpcLatticeV2Request> events = new CopyOnWriteArrayList<>();
        try (MotoServer moto = MotoServer.start();
                software.amazon.awssdk.services.vpclattice.VpcLatticeClient controlPlane =
                        moto.controlPlane(Region.US_EAST_1)) {
            CreateServiceResponse service =
                    controlPlane.createService(r -> r.name("orders").authType("AWS_IAM"));
            String dnsName = service.dnsEntry().domainName();
            try (LocalLattice lattice = LocalLattice.builder()
                            .region("us-east-1")
                            .hostName(dnsName)
                            .credential(KEY, SECRET, PRINCIPAL)
                            .allow(PRINCIPAL)
                            .target(event -> {
                                events.add(event);
                                return VpcLatticeV2Response.builder()
                                        .statusCode(200)
                                        .body("order 1")
                                        .build();
                            })
                            .build();
                    LatticeClient client = LatticeClient.builder()
                            .region(Region.US_EAST_1)
                            .credentialsProvider(
                                    StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                            .service("orders")
                            .servicePort(lattice.port())
                            .serviceDiscoveryEndpoint(moto.endpoint())
                            .httpClientBuilder(Apache5HttpClient.builder().dnsResolver(resolving(dnsName)))
                            .trustedCertificates(lattice.certificate().x509())
                            .tracing(false)
                            .build()) {
                LatticeRequest relative = LatticeRequest.builder()
                        .method("POST")
                        .path("/orders")
                        .queryParameter("id", "1")
                        .jsonBody(Map.of("item", "book"))
                        .build();
                assertFalse(relative.hasUrl());

                LatticeResponse response = client.send(relative).ensureSuccess();

                assertEquals("order 1", response.bodyAsString());
                assertEquals(
                        "https://" + dnsName + ":" + lattice.port() + "/orders",
                        response.request().orElseThrow().redactedUrl(),
                        "the response names the request as sent");
                assertEquals(1, events.size());
                assertEquals("POST", events.get(0).getMethod());
                assertEquals("/orders", events.get(0).pathWithoutQuery());
                assertEquals(Map.of("id", List.of("1")), events.get(0).queryParameters());
                assertEquals(
                        PRINCIPAL,
                        events.get(0).getRequestContext().getIdentity().getPrincipal(),
                        "LocalLattice verified the signature and authorised the principal");
                assertFalse(relative.hasUrl(), "the caller's request is unchanged");

                // A request with a url goes there, whatever service the client knows.
                client.send(LatticeRequest.builder()
                                .url(lattice.endpoint().toString())
                                .path("/direct")
                                .build())
                        .ensureSuccess();
                assertEquals("/direct", events.get(1).pathWithoutQuery());
            }
        }
    }

    @Test
    void aRequestWithoutAUrl_isRefusedByAClientWithoutAService_beforeAnythingIsSent() {
        try (LatticeClient client = LatticeClient.builder()
                .signingMode(SigningMode.NONE)
                .tracing(false)
                .build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .path("/orders")
                            .queryParameter("token", "t0")
                            .build()));
            assertEquals(
                    "GET /orders was not sent: it has no url, and this LatticeClient was built without"
                            + " service(...): set LatticeRequest.Builder.url(...), or build the client with"
                            + " LatticeClient.Builder.service(...)",
                    e.getMessage());
            assertEquals(0, e.attempts());
            assertTrue(client.serviceEndpoint().isEmpty());
        }
    }
}
