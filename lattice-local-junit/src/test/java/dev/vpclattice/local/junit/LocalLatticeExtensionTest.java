package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.LocalLattice;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** The extension in a static field in front of an in-JVM target, called as an AWS SDK user calls a service. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionTest {
    static final String ORDERS_CLIENT = "arn:aws:sts::111122223333:assumed-role/orders-client/test";
    static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();

    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-west-1")
            .allowedPrincipal(ORDERS_CLIENT)
            .latticeOptions(options -> options.accountId("111122223333"))
            .target(event -> {
                // A target that edits its event must not change what receivedEvents() reports.
                String seen = new String(CODEC.writeRequest(event), StandardCharsets.UTF_8);
                event.setPath("/edited-by-the-target");
                return VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .header("content-type", "application/json")
                        .body(seen)
                        .build();
            })
            .build();

    static SignedCaller caller;
    static URI endpointSeenByBeforeAll;

    @BeforeAll
    static void startCaller(URI endpoint, LocalCertificate certificate) {
        endpointSeenByBeforeAll = endpoint;
        caller = new SignedCaller(certificate, lattice.region());
    }

    @AfterAll
    static void stopCaller() {
        caller.close();
    }

    @Test
    void signedByTheAllowedPrincipal_reachesTheTarget_withItsIdentity(
            URI endpoint, AwsCredentialsProvider credentials) {
        SignedCaller.Response response = caller.post(endpoint, "/orders", "{\"item\":\"book\"}", credentials);

        assertEquals(200, response.status(), response.body());
        VpcLatticeV2Request event = CODEC.readRequest(response.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(ORDERS_CLIENT, event.getRequestContext().getIdentity().getPrincipal());
        assertEquals("AWS_IAM", event.getRequestContext().getIdentity().getType());
        assertEquals("eu-west-1", event.getRequestContext().getRegion());
        assertTrue(
                event.getRequestContext().getServiceArn().startsWith("arn:aws:vpc-lattice:eu-west-1:111122223333:"),
                event.getRequestContext().getServiceArn());
        List<VpcLatticeV2Request> received = lattice.receivedEvents();
        assertEquals(1, received.size(), "only this test's request: the list is cleared before each test");
        assertEquals("/orders", received.get(0).getPath(), "the event as sent, not as the target edited it");
        assertEquals("{\"item\":\"book\"}", received.get(0).getBody());
    }

    @Test
    void signedByTheDeniedPrincipal_isRefusedByTheAuthPolicy(
            URI endpoint, @DeniedPrincipal AwsCredentialsProvider denied) {
        SignedCaller.Response response = caller.post(endpoint, "/orders", "{}", denied);

        assertEquals(403, response.status());
        assertTrue(
                response.body()
                        .startsWith("AccessDeniedException: User: " + lattice.deniedPrincipal()
                                + " is not authorized to perform: vpc-lattice-svcs:Invoke"),
                response.body());
        assertEquals(List.of(), lattice.receivedEvents());
    }

    @Test
    void unsigned_isRefusedAsAnonymous() {
        SignedCaller.Response response = caller.post(lattice.endpoint(), "/orders", "{}", null);

        assertEquals(403, response.status());
        assertTrue(response.body().startsWith("AccessDeniedException: User: anonymous"), response.body());
        assertEquals(List.of(), lattice.receivedEvents());
    }

    @Test
    void everyInjectedValue_isTheRunningLattices(
            URI endpoint,
            LocalCertificate certificate,
            X509Certificate x509,
            AwsCredentialsProvider allowed,
            @DeniedPrincipal AwsCredentialsProvider denied,
            LocalLattice running)
            throws Exception {
        assertEquals(lattice.endpoint(), endpoint);
        assertEquals(endpoint, endpointSeenByBeforeAll, "one local Lattice for the whole class");
        assertSame(lattice.lattice(), running);
        assertSame(running.certificate(), certificate);
        assertEquals(certificate.x509(), x509);
        assertEquals(certificate.pem(), Files.readString(lattice.certificatePem()));
        assertSame(lattice.credentials(), allowed);
        assertSame(lattice.deniedCredentials(), denied);
        assertEquals("eu-west-1", running.region());
    }

    @Test
    void credentials_areTemporaryAndDistinct_andNeverInToString() {
        AwsSessionCredentials allowed =
                (AwsSessionCredentials) lattice.credentials().resolveCredentials();
        AwsSessionCredentials denied =
                (AwsSessionCredentials) lattice.deniedCredentials().resolveCredentials();

        assertTrue(allowed.accessKeyId().matches("ASIA[A-Z2-7]{16}"), allowed.accessKeyId());
        assertNotEquals(allowed.accessKeyId(), denied.accessKeyId());
        assertNotEquals(allowed.secretAccessKey(), denied.secretAccessKey());
        String text = lattice.toString();
        assertTrue(text.contains(lattice.endpoint().toString()) && text.contains(ORDERS_CLIENT), text);
        assertFalse(
                text.contains(allowed.secretAccessKey())
                        || text.contains(allowed.sessionToken())
                        || text.contains(allowed.accessKeyId()),
                text);
    }

    @Test
    void trustStoreJvmArguments_nameAStoreBesideThePem() {
        List<String> flags = lattice.trustStoreJvmArguments();

        Path store = Path.of(flags.get(0).substring("-Djavax.net.ssl.trustStore=".length()));
        assertTrue(Files.isRegularFile(store), flags::toString);
        assertEquals(lattice.certificatePem().getParent(), store.getParent());
        assertEquals(
                List.of("-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"),
                flags.subList(1, 3));
    }

    @Test
    void function_isRefused_forAnInJvmTarget() {
        IllegalStateException e = assertThrows(IllegalStateException.class, lattice::function);

        assertEquals(
                "This local Lattice forwards to an in-JVM target or an HTTP server, not a function", e.getMessage());
    }

    @Test
    void builder_refusesAmbiguousOrMissingConfiguration() {
        assertEquals(
                "A LocalLatticeExtension needs one of target(...), function(...) and targetUrl(...), and has none",
                assertThrows(
                                IllegalStateException.class,
                                () -> LocalLatticeExtension.builder().build())
                        .getMessage());
        assertEquals(
                "A LocalLatticeExtension needs one of target(...), function(...) and targetUrl(...), not more",
                assertThrows(
                                IllegalStateException.class,
                                () -> LocalLatticeExtension.builder()
                                        .target(event -> null)
                                        .function(Path.of("."), "a.B")
                                        .build())
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalStateException.class,
                        () -> LocalLatticeExtension.builder()
                                .target(event -> null)
                                .allowedPrincipal(ORDERS_CLIENT)
                                .deniedPrincipal(ORDERS_CLIENT)
                                .build())
                .getMessage()
                .startsWith("allowedPrincipal and deniedPrincipal must differ"));
        assertEquals(
                "region must look like us-east-1, not 'Europe'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LocalLatticeExtension.builder().region("Europe"))
                        .getMessage());
        assertEquals(
                "allowedPrincipal must be a principal ARN, not '*'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LocalLatticeExtension.builder().allowedPrincipal("*"))
                        .getMessage());
        // The same rule as LocalLattice.Builder's, checked when the builder is called, not when the class starts.
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LocalLatticeExtension.builder().deniedPrincipal("arn:aws:s3:::bucket"))
                .getMessage()
                .startsWith("deniedPrincipal must be an IAM principal ARN"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LocalLattice.builder().allow("arn:aws:s3:::bucket"))
                .getMessage()
                .startsWith("allow must be an IAM principal ARN"));
        assertEquals(AuthType.AWS_IAM, lattice.lattice().authType());
    }
}
