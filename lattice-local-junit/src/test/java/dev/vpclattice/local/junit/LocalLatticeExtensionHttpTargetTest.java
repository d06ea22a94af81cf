package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.events.LatticeCallerIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The extension in front of a running HTTP server (the JDK's own), called with the AWS SDK's signer: the server
 * receives the request with the allowed principal in {@code x-amzn-lattice-identity}, never a forged one, and a denied
 * principal never reaches it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionHttpTargetTest {
    static final String CHECKOUT = "arn:aws:sts::123456789012:assumed-role/checkout/task";
    static final List<Map<String, List<String>>> RECEIVED = new CopyOnWriteArrayList<>();
    static final HttpServer SERVICE = service();

    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .targetUrl(URI.create("http://127.0.0.1:" + SERVICE.getAddress().getPort()))
            .allowedPrincipal(CHECKOUT)
            .build();

    private static HttpServer service() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try {
                    RECEIVED.add(Map.copyOf(exchange.getRequestHeaders()));
                    byte[] body = ("caller "
                                    + LatticeCallerIdentity.fromHeaders(exchange.getRequestHeaders()::getFirst)
                                            .principal()
                                            .orElse("anonymous"))
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopService() {
        SERVICE.stop(0);
    }

    @Test
    void allowedPrincipal_reachesTheServer_asTheIdentityLatticeAdds(URI endpoint, AwsCredentialsProvider credentials) {
        try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
            SignedCaller.Response response = caller.post(endpoint, "/orders", "{}", credentials);

            assertEquals(200, response.status(), response.body());
            assertEquals("caller " + CHECKOUT, response.body());
        }
        assertTrue(lattice.receivedEvents().isEmpty(), "an HTTP target receives no events");
    }

    @Test
    void deniedPrincipal_neverReachesTheServer(URI endpoint, @DeniedPrincipal AwsCredentialsProvider denied) {
        int before = RECEIVED.size();
        try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
            SignedCaller.Response response = caller.post(endpoint, "/orders", "{}", denied);

            assertEquals(403, response.status(), response.body());
            assertTrue(response.body().startsWith("AccessDeniedException: "), response.body());
        }
        assertEquals(before, RECEIVED.size());
    }

    @Test
    void builder_refusesTwoTargets_andAnEventVersionForAnHttpTarget() {
        URI url = URI.create("http://127.0.0.1:8080");

        IllegalStateException two = assertThrows(
                IllegalStateException.class,
                () -> LocalLatticeExtension.builder()
                        .targetUrl(url)
                        .target(event -> null)
                        .build());
        IllegalStateException versioned = assertThrows(
                IllegalStateException.class,
                () -> LocalLatticeExtension.builder()
                        .targetUrl(url)
                        .eventVersion(EventVersion.V1)
                        .build());
        IllegalArgumentException notHttp = assertThrows(
                IllegalArgumentException.class,
                () -> LocalLatticeExtension.builder().targetUrl(URI.create("ftp://127.0.0.1:21")));

        assertTrue(two.getMessage().contains("not more"), two.getMessage());
        assertTrue(versioned.getMessage().contains("receives the request itself"), versioned.getMessage());
        assertTrue(notHttp.getMessage().contains("http://"), notHttp.getMessage());
    }
}
