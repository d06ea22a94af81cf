package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** bodyAs uses the client's mapper when one is configured, and the lazily created default otherwise. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientObjectMapperTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    @BeforeEach
    void answer() {
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange, 200, Map.of("content-type", "application/json"), "{\"order_id\":\"o-1\",\"item_count\":3}");
    }

    /** The shape the server's snake_case answer maps to under a snake_case mapper. */
    record Order(String orderId, int itemCount) {}

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDMAPPERTEST000001", "mapper-test-secret")))
                .httpClient(fixture.http())
                .tracing(false);
    }

    @Test
    void bodyAs_withConfiguredMapper_usesIt() {
        ObjectMapper snakeCase = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        try (LatticeClient client = client().objectMapper(snakeCase).build()) {
            LatticeResponse response = client.send(
                    LatticeRequest.builder().method("GET").url(fixture.url()).build());

            assertEquals(new Order("o-1", 3), response.bodyAs(Order.class));
        }
    }

    /** Part of the echo service's answer (a V2 event): the rest of its fields are ignored. */
    record Echo(String method, String path, Map<String, java.util.List<String>> headers) {}

    /** A request body with a java.time field. */
    record Placed(String id, java.time.Instant placedAt) {}

    @Test
    void oneMapper_servesRequestAndResponse_knowsJavaTime_andIgnoresUnknownFields() {
        // GIVEN a server that echoes the request as a V2-shaped event with more fields than Echo models
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange,
                200,
                Map.of("content-type", "application/json"),
                "{\"version\":\"2.0\",\"method\":\"" + request.method()
                        + "\",\"path\":\"/orders\",\"headers\":{\"x\":[\"1\"]},\"body\":" + quote(request.bodyText())
                        + ",\"isBase64Encoded\":false,\"requestContext\":{\"region\":\"us-east-1\"}}");
        try (LatticeClient client = client().build()) {
            // WHEN a record with an Instant is sent as JSON and the answer is mapped to a partial class
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .method("POST")
                    .url(fixture.url())
                    .jsonBody(new Placed("o-1", java.time.Instant.parse("2026-11-30T12:00:00Z")))
                    .build());

            // THEN the body went out in ISO-8601 text and the partial class maps
            Echo echo = response.bodyAs(Echo.class);
            assertEquals(new Echo("POST", "/orders", Map.of("x", java.util.List.of("1"))), echo);
            java.util.Map<?, ?> sent = response.bodyAs(Map.class);
            assertEquals("{\"id\":\"o-1\",\"placedAt\":\"2026-11-30T12:00:00Z\"}", sent.get("body"));
        } finally {
            fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                    exchange,
                    200,
                    Map.of("content-type", "application/json"),
                    "{\"order_id\":\"o-1\",\"item_count\":3}");
        }
    }

    @Test
    void aBodyThatDoesNotMap_isALatticeClientException_namingTheRequestAndType() {
        try (LatticeClient client = client().build()) {
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .url(fixture.url() + "/o?secret=qv-7f3a")
                    .build());
            LatticeClientException e = org.junit.jupiter.api.Assertions.assertThrows(
                    LatticeClientException.class, () -> response.bodyAs(Integer.class));
            assertEquals(
                    true,
                    e.getMessage()
                            .startsWith("Cannot map the 33-byte body of the HTTP 200 answer to GET " + fixture.url()
                                    + "/o to java.lang.Integer (MismatchedInputException at line 1, column 1)"),
                    e.getMessage());
            assertEquals(false, e.getMessage().contains("qv-7f3a"), "the query stays out of messages");
        }
    }

    @Test
    void aJsonBodyTheMapperCannotSerialize_failsTheCallBeforeSending() {
        int before = fixture.server().received.size();
        try (LatticeClient client = client().build()) {
            LatticeClientException e = org.junit.jupiter.api.Assertions.assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .method("POST")
                            .url(fixture.url())
                            .jsonBody(new Object())
                            .build()));
            assertEquals(0, e.attempts());
            assertEquals(
                    true,
                    e.getMessage().startsWith("POST " + fixture.url() + "/ was not sent: its JSON body"),
                    e.getMessage());
        }
        assertEquals(before, fixture.server().received.size());
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void bodyAs_withoutMapper_usesThePlainDefault() {
        try (LatticeClient client = client().build()) {
            LatticeResponse response = client.send(
                    LatticeRequest.builder().method("GET").url(fixture.url()).build());

            assertEquals(Map.of("order_id", "o-1", "item_count", 3), response.bodyAs(Map.class));
        }
    }
}
