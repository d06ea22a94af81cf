package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The service on a real port (embedded Tomcat), called over loopback with the headers VPC Lattice adds for an HTTP
 * target, in the formats of the User Guide's "HTTP targets in VPC Lattice". Lattice strips these headers from what
 * clients send and sets them itself; here the test plays Lattice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersServiceTest {
    static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/checkout/checkout-task";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    int port;

    static Map<String, String> latticeHeaders() {
        return Map.of(
                "x-amzn-lattice-identity",
                "Principal=" + PRINCIPAL + ";PrincipalOrgID=o-abc123;SessionName=checkout-task;",
                "x-amzn-lattice-identity-tags",
                "principal=" + PRINCIPAL + ";principalorgid=o-abc123;team=pay\\;ments;",
                "x-amzn-lattice-network",
                "SourceVpcArn=arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0",
                "x-amzn-lattice-target",
                "ServiceArn=arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0;"
                        + "ServiceNetworkArn=arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0123456789abcdef0;"
                        + "TargetGroupArn=arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0");
    }

    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whoami_answersTheCallerLatticeNamed() throws Exception {
        HttpResponse<String> r = send("GET", "/whoami", null, latticeHeaders());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode caller = JSON.readTree(r.body());
        assertEquals(true, caller.get("authenticated").asBoolean());
        assertEquals(PRINCIPAL, caller.get("principal").asString());
        assertEquals("o-abc123", caller.get("principalOrgId").asString());
        assertEquals("checkout-task", caller.get("sessionName").asString());
        assertEquals(
                "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0",
                caller.get("sourceVpcArn").asString());
        assertEquals(
                "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0",
                caller.get("targetGroupArn").asString());
        assertEquals("pay;ments", caller.at("/tags/team").asString());
    }

    @Test
    void whoami_withoutLatticeHeaders_isAnUnauthenticatedCaller() throws Exception {
        HttpResponse<String> r = send("GET", "/whoami", null, Map.of());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(false, JSON.readTree(r.body()).get("authenticated").asBoolean());
    }

    @Test
    void placeOrder_authenticatedCaller_isCreatedInItsName() throws Exception {
        HttpResponse<String> r = send("POST", "/orders", "{\"item\":\"book\",\"quantity\":2}", latticeHeaders());

        assertEquals(201, r.statusCode(), r.body());
        JsonNode placed = JSON.readTree(r.body());
        assertEquals("book", placed.get("item").asString());
        assertEquals(PRINCIPAL, placed.get("placedBy").asString());
    }

    @Test
    void placeOrder_noAuthenticatedCaller_is403() throws Exception {
        HttpResponse<String> r = send(
                "POST",
                "/orders",
                "{\"item\":\"book\",\"quantity\":1}",
                Map.of("x-amzn-lattice-network", "SourceVpcArn=arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc"));

        assertEquals(403, r.statusCode(), r.body());
        assertEquals("AccessDenied", JSON.readTree(r.body()).get("error").asString());
    }
}
