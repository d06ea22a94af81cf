package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.vpclattice.model.CreateServiceResponse;

/**
 * {@code LatticeClient.Builder.service(...)} against moto's VPC Lattice mock as a real server: services created
 * through the SDK's own VPC Lattice client are resolved by ID, ARN and name, once, at {@code build()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceDiscoveryMotoTest {
    static MotoServer moto;
    static software.amazon.awssdk.services.vpclattice.VpcLatticeClient controlPlane;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start();
        controlPlane = moto.controlPlane(Region.US_EAST_1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static CreateServiceResponse createService(String name) {
        return controlPlane.createService(r -> r.name(name).authType("AWS_IAM"));
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDDISCOVERY0000001", "discovery-secret-key")))
                .serviceDiscoveryEndpoint(moto.endpoint())
                .tracing(false);
    }

    @Test
    void service_byId_resolvesTheDnsNameOnceAtBuild() {
        CreateServiceResponse created = createService(uniqueName("by-id"));
        try (LatticeClient client =
                client().region(Region.US_EAST_1).service(created.id()).build()) {
            assertEquals(
                    Optional.of(URI.create("https://" + created.dnsEntry().domainName())), client.serviceEndpoint());
        }
    }

    @Test
    void service_byArn_resolvesInTheArnsRegion_withoutARegionSetting() {
        // moto answers GetService for an ARN only because it takes the last path segment of the (decoded) URL; AWS
        // documents the ARN as a serviceIdentifier. No region() is set: the ARN's region is used.
        CreateServiceResponse created = createService(uniqueName("by-arn"));
        assertTrue(created.arn().startsWith("arn:aws:vpc-lattice:us-east-1:"), created.arn());
        try (LatticeClient client = client().service(created.arn()).build()) {
            assertEquals(
                    Optional.of(URI.create("https://" + created.dnsEntry().domainName())), client.serviceEndpoint());
        }
    }

    @Test
    void service_byName_isFoundThroughListServices_withAListenerPort() {
        String name = uniqueName("by-name");
        CreateServiceResponse created = createService(name);
        createService(uniqueName("other"));
        try (LatticeClient client = client().region(Region.US_EAST_1)
                .service(name)
                .servicePort(8443)
                .build()) {
            assertEquals(
                    Optional.of(URI.create("https://" + created.dnsEntry().domainName() + ":8443")),
                    client.serviceEndpoint());
        }
    }

    @Test
    void service_withSigningModeNone_stillLooksItUpWithTheGivenCredentials() {
        CreateServiceResponse created = createService(uniqueName("unsigned"));
        try (LatticeClient client = client().region(Region.US_EAST_1)
                .signingMode(SigningMode.NONE)
                .service(created.id())
                .build()) {
            assertEquals(
                    Optional.of(URI.create("https://" + created.dnsEntry().domainName())), client.serviceEndpoint());
        }
    }

    @Test
    void service_nameThatDoesNotExist_failsAtBuild_namingIt() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client().region(Region.US_EAST_1)
                        .service("no-such-service")
                        .build());
        assertTrue(
                e.getMessage()
                        .startsWith("No VPC Lattice service named 'no-such-service' is owned by or shared with"
                                + " this account in region us-east-1 (ListServices)"),
                e.getMessage());
    }

    @Test
    void service_idThatDoesNotExist_failsAtBuild_namingIt() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client().region(Region.US_EAST_1)
                        .service("svc-0123456789abcdef0")
                        .build());
        assertTrue(
                e.getMessage()
                        .startsWith("The VPC Lattice service ID 'svc-0123456789abcdef0' was not found in"
                                + " region us-east-1 (GetService: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("check the ID and the region"), e.getMessage());
    }

    @Test
    void service_inAnotherRegion_isNotFoundThere() {
        // moto keeps one backend per region, as AWS keeps services regional.
        CreateServiceResponse created = createService(uniqueName("regional"));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client().region(Region.EU_WEST_1).service(created.id()).build());
        assertTrue(e.getMessage().contains("was not found in region eu-west-1"), e.getMessage());
    }

    @Test
    void service_nameBorneByTwoServices_isRefused_listingTheirArns() {
        // Names are unique within an account, but ListServices also lists services shared with it; moto does not
        // enforce the uniqueness, which lets the test create the ambiguity.
        String name = uniqueName("twice");
        CreateServiceResponse first = createService(name);
        CreateServiceResponse second = createService(name);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client().region(Region.US_EAST_1).service(name).build());
        assertTrue(e.getMessage().contains("matches 2 services"), e.getMessage());
        assertTrue(e.getMessage().contains(first.arn()) && e.getMessage().contains(second.arn()), e.getMessage());
        assertTrue(e.getMessage().endsWith("name the one to call by ARN"), e.getMessage());
    }

    @Test
    void service_arnInAnotherRegionThanTheClients_isRefusedBeforeAnyLookup() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client().region(Region.EU_WEST_1)
                        .service("arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0")
                        .build());
        assertTrue(
                e.getMessage().contains("is in region us-east-1, but the client is set to region eu-west-1"),
                e.getMessage());
    }
}
