package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeServiceException;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The service as it runs behind VPC Lattice: the application on a real port, and lattice-local-junit's local Lattice
 * in front of it as its HTTP target, with auth type AWS_IAM and an auth policy that allows one principal. Calls go
 * through this project's LatticeClient, signed with SigV4; the local Lattice verifies them and adds the caller identity
 * headers, which the service reads through LatticeIdentityFilter. Nothing here sets a Lattice header by hand.
 */
@Timeout(120)
class OrdersBehindLocalLatticeTest {
    static final String CALLER = "arn:aws:iam::123456789012:user/checkout";

    /** The application, started before the extension reads its port. */
    static final ConfigurableApplicationContext APP = new SpringApplicationBuilder(OrdersServiceApplication.class)
            .run("--server.port=0", "--server.address=127.0.0.1");

    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .targetUrl(URI.create("http://127.0.0.1:"
                    + ((WebServerApplicationContext) APP).getWebServer().getPort()))
            .authType(AuthType.AWS_IAM)
            .region("us-east-1")
            .allowedPrincipal(CALLER)
            .deniedPrincipal("arn:aws:iam::123456789012:user/other")
            .build();

    @AfterAll
    static void stopTheApplication() {
        APP.close();
    }

    static LatticeClient client(AwsCredentialsProvider credentials) {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .trustedCertificates(lattice.certificatePem())
                .build();
    }

    @Test
    void signedCall_reachesTheService_asTheCallerLatticeAuthenticated() {
        try (LatticeClient client = client(lattice.credentials())) {
            JsonNode caller = client.send(LatticeRequest.builder()
                            .method("GET")
                            .url(lattice.endpoint())
                            .path("/whoami")
                            .build())
                    .ensureSuccess()
                    .bodyAs(JsonNode.class);

            assertTrue(caller.get("authenticated").asBoolean(), caller.toString());
            assertEquals(CALLER, caller.get("principal").asText());
            assertEquals(
                    lattice.lattice().serviceArn(), caller.get("serviceArn").asText());
            assertTrue(caller.get("targetGroupArn").asText().contains(":targetgroup/"), caller.toString());
            assertTrue(caller.get("sourceVpcArn").asText().contains(":vpc/"), caller.toString());
        }
    }

    @Test
    void signedJsonPost_placesTheOrderInTheCallersName() {
        try (LatticeClient client = client(lattice.credentials())) {
            var response = client.send(LatticeRequest.builder()
                            .method("POST")
                            .url(lattice.endpoint())
                            .path("/orders")
                            .jsonBody(Map.of("item", "book", "quantity", 2))
                            .build())
                    .ensureSuccess();

            assertEquals(201, response.statusCode(), response.bodyAsString());
            JsonNode placed = response.bodyAs(JsonNode.class);
            assertEquals("book", placed.get("item").asText());
            assertEquals(CALLER, placed.get("placedBy").asText());
        }
    }

    @Test
    void forgedIdentityHeader_neverArrives() {
        try (LatticeClient client = client(lattice.credentials())) {
            JsonNode caller = client.send(LatticeRequest.builder()
                            .method("GET")
                            .url(lattice.endpoint())
                            .path("/whoami")
                            .header("x-amzn-lattice-identity", "Principal=arn:aws:iam::999999999999:root")
                            .build())
                    .ensureSuccess()
                    .bodyAs(JsonNode.class);

            assertEquals(CALLER, caller.get("principal").asText());
        }
    }

    @Test
    void deniedPrincipal_is403FromLattice_andNeverReachesTheService() {
        try (LatticeClient client = client(lattice.deniedCredentials())) {
            LatticeServiceException e = assertThrows(
                    LatticeServiceException.class,
                    () -> client.send(LatticeRequest.builder()
                                    .method("GET")
                                    .url(lattice.endpoint())
                                    .path("/whoami")
                                    .build())
                            .ensureSuccess());

            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
        }
    }
}
