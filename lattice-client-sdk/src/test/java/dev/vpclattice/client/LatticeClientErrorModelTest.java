package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException.FailureKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;

/**
 * What a failed call says, the same through Apache 5 (sync) and Netty (async) against real loopback servers: the
 * failure kind, whether it is retryable, how many attempts were made, and a service error's code, message and request
 * ID.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LatticeClientErrorModelTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    /** The two HTTP clients every case runs through. */
    enum Client {
        APACHE5,
        NETTY
    }

    /** Sends through the given HTTP client and returns the response, or throws what the call failed with. */
    private static LatticeResponse send(Client kind, LatticeRequest request, Duration readTimeout, int maxAttempts) {
        if (kind == Client.APACHE5) {
            try (SdkHttpClient http = Apache5HttpClient.builder()
                            .tlsTrustManagersProvider(() -> TestTls.INSTANCE.trustManagers)
                            .connectionTimeout(Duration.ofSeconds(2))
                            .socketTimeout(readTimeout)
                            .build();
                    LatticeClient client = fixture.client()
                            .httpClient(http)
                            .maxAttempts(maxAttempts)
                            .build()) {
                return client.send(request);
            }
        }
        try (LatticeAsyncClient client = fixture.asyncClient()
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .readTimeout(readTimeout)
                .maxAttempts(maxAttempts)
                .build()) {
            return client.send(request).join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static LatticeClientException fails(Client kind, String url, int maxAttempts) {
        return assertThrows(
                LatticeClientException.class,
                () -> send(kind, ClientFixture.get(url), Duration.ofSeconds(10), maxAttempts));
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void connectionRefused_isConnect_retryable_andRetried(Client kind) throws Exception {
        int closedPort = ClosedPort.port();
        LatticeClientException e = fails(kind, "https://127.0.0.1:" + closedPort + "/", 2);
        assertEquals(FailureKind.CONNECT, e.failureKind(), e::toString);
        assertTrue(e.retryable());
        assertEquals(2, e.attempts(), "nothing was sent, so the client retried");
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void untrustedCertificate_isTls_notRetryable_andNotRetried(Client kind) throws Exception {
        // GIVEN a TLS server whose certificate nobody trusts
        try (RawTlsServer stranger =
                RawTlsServer.start(TestTls.stranger(), socket -> RawTlsServer.readRequestHead(socket))) {
            LatticeClientException e = fails(kind, stranger.url(), 3);
            assertEquals(FailureKind.TLS, e.failureKind(), e::toString);
            assertFalse(e.retryable());
            assertEquals(1, e.attempts());
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void readTimeout_isTimeout(Client kind) {
        fixture.server().handler = (exchange, request) -> {
            fixture.server().closing.await(5, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        LatticeClientException e = assertThrows(
                LatticeClientException.class,
                () -> send(kind, ClientFixture.get(fixture.url()), Duration.ofMillis(300), 1));
        assertEquals(FailureKind.TIMEOUT, e.failureKind(), e::toString);
        assertTrue(e.retryable());
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void resetAfterTheRequest_isIo(Client kind) throws Exception {
        try (RawTlsServer resetting = RawTlsServer.start(socket -> {
            RawTlsServer.readRequestHead(socket);
            socket.setSoLinger(true, 0);
        })) {
            LatticeClientException e = fails(kind, resetting.url(), 2);
            assertEquals(FailureKind.IO, e.failureKind(), e::toString);
            assertTrue(e.retryable());
            assertEquals(2, e.attempts(), "a GET is retried after a reset");
        }
    }

    // Apache HttpClient 5 is left out: its lenient response parser skips a malformed status line and reads on, and the
    // SDK's builder cannot make it strict (LatticeClientResilienceTest shows what it does instead).
    @ParameterizedTest
    @EnumSource(value = Client.class, names = "NETTY")
    void invalidStatusLine_isProtocol_andNotRetried(Client kind) throws Exception {
        // GIVEN a server that answers with a status line whose code is not a number, then closes
        try (RawTlsServer garbage = RawTlsServer.start(socket -> {
            RawTlsServer.readRequestHead(socket);
            socket.getOutputStream().write("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n".getBytes());
            socket.getOutputStream().flush();
        })) {
            LatticeClientException e = fails(kind, garbage.url(), 3);
            assertEquals(FailureKind.PROTOCOL, e.failureKind(), e::toString);
            assertFalse(e.retryable());
            assertEquals(1, e.attempts(), "an answer that is not HTTP is not retried");
            assertEquals(1, garbage.requests());
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void statusOutside100To599_isProtocol_andNotRetried(Client kind) throws Exception {
        try (RawTlsServer odd = RawTlsServer.start(socket -> {
            RawTlsServer.readRequestHead(socket);
            socket.getOutputStream().write("HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n".getBytes());
            socket.getOutputStream().flush();
        })) {
            LatticeClientException e = fails(kind, odd.url(), 3);
            assertEquals(FailureKind.PROTOCOL, e.failureKind(), e::toString);
            assertFalse(e.retryable());
            assertEquals(1, e.attempts());
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void latticeDenial_givesCodeMessageAndRequestId(Client kind) {
        String denial = "AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke"
                + " on resource: arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123/orders because no"
                + " service-based policy allows the vpc-lattice-svcs:Invoke action";
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange,
                403,
                Map.of("Content-Type", "text/plain", "x-amzn-RequestId", "a9f2c7a1-6b4f-4c79-9e87-ff5a1234a001"),
                denial);
        LatticeResponse response = send(kind, ClientFixture.get(fixture.url() + "/orders"), Duration.ofSeconds(10), 3);
        assertEquals(Optional.of("a9f2c7a1-6b4f-4c79-9e87-ff5a1234a001"), response.requestId());
        LatticeServiceException e = assertThrows(LatticeServiceException.class, response::ensureSuccess);
        assertEquals("AccessDeniedException", e.errorCode());
        assertTrue(e.errorMessage().startsWith("User: anonymous is not authorized"), e.errorMessage());
        assertEquals(Optional.of("a9f2c7a1-6b4f-4c79-9e87-ff5a1234a001"), e.requestId());
        assertFalse(e.retryable());
        assertEquals("HTTP 403 AccessDeniedException from GET " + fixture.url() + "/orders", e.getMessage());
    }

    @Test
    void jsonErrorBodies_giveCodeAndMessage() {
        Map<String, String[]> bodies = Map.of(
                "{\"message\": \"Order 7 does not exist\"}", new String[] {"", "Order 7 does not exist"},
                "{\"__type\": \"com.amazon.coral.service#ThrottlingException\", \"message\": \"Rate exceeded\"}",
                        new String[] {"ThrottlingException", "Rate exceeded"},
                "{\"code\": \"OrderNotFound\", \"message\": \"no such order\"}",
                        new String[] {"OrderNotFound", "no such order"},
                "{\"Code\": \"Busy\", \"Message\": \"try later\"}", new String[] {"Busy", "try later"});
        try (LatticeClient client = fixture.client().maxAttempts(1).build()) {
            bodies.forEach((body, expected) -> {
                fixture.server().handler = (exchange, request) ->
                        TestHttpsServer.respond(exchange, 429, Map.of("Content-Type", "application/json"), body);
                LatticeServiceException e = assertThrows(
                        LatticeServiceException.class,
                        () -> client.send(ClientFixture.get(fixture.url())).ensureSuccess());
                assertEquals(expected[0], e.errorCode(), body);
                assertEquals(expected[1], e.errorMessage(), body);
                assertTrue(e.retryable(), "429 is retryable");
                assertFalse(e.getMessage().contains(expected[1]), "the message never quotes the body");
            });
        }
    }

    /** A JSON order. */
    public static final class Order {
        public int id;
    }

    @Test
    void bodyAs_onANon2xxAnswer_throwsTheServiceException_notAMappingError() {
        fixture.server().handler = (exchange, request) ->
                TestHttpsServer.respond(exchange, 403, "AccessDeniedException: User: anonymous is not authorized");
        try (LatticeClient client = fixture.client().build()) {
            LatticeResponse response = client.send(ClientFixture.get(fixture.url()));
            LatticeServiceException e = assertThrows(LatticeServiceException.class, () -> response.bodyAs(Order.class));
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
        }
    }
}
