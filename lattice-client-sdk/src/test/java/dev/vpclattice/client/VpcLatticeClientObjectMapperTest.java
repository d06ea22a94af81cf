package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/** bodyAs uses the client's mapper when one is configured, and the lazily created default otherwise. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VpcLatticeClientObjectMapperTest {
    static TestHttpsServer server;
    static SdkHttpClient http;

    /** The shape the server's snake_case answer maps to under a snake_case mapper. */
    record Order(String orderId, int itemCount) {
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestHttpsServer.https();
        server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 200,
                Map.of("content-type", "application/json"), "{\"order_id\":\"o-1\",\"item_count\":3}");
        http = TestTls.trustingClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private static VpcLatticeClient.Builder client() {
        return VpcLatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDMAPPERTEST000001", "mapper-test-secret")))
                .httpClient(http)
                .tracing(false);
    }

    @Test
    void bodyAs_withConfiguredMapper_usesIt() {
        ObjectMapper snakeCase = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        try (VpcLatticeClient client = client().objectMapper(snakeCase).build()) {
            LatticeResponse response = client.send(LatticeRequest.builder().method("GET").url(server.url()).build());

            assertEquals(new Order("o-1", 3), response.bodyAs(Order.class));
        }
    }

    @Test
    void bodyAs_withoutMapper_usesThePlainDefault() {
        try (VpcLatticeClient client = client().build()) {
            LatticeResponse response = client.send(LatticeRequest.builder().method("GET").url(server.url()).build());

            assertEquals(Map.of("order_id", "o-1", "item_count", 3), response.bodyAs(Map.class));
        }
    }
}
