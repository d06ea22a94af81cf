package dev.vpclattice.client;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The library tests' one fixture, registered with {@code @RegisterExtension static final ClientFixture fixture =
 * ClientFixture.https();}: a loopback HTTPS server started once per class and reset to answer {@code 200 ok} before
 * each test, static credentials, and client builders that trust exactly the server's certificate and back off briefly.
 */
final class ClientFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    static final String ACCESS_KEY = "AKIDCLIENTFIXTURE001";
    static final String SECRET_KEY = "client-fixture-secret-key-0000000000000";
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private TestHttpsServer server;
    private SdkHttpClient http;

    private ClientFixture() {}

    /**
     * The fixture with an HTTPS server.
     *
     * @return a new fixture
     */
    static ClientFixture https() {
        return new ClientFixture();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = TestHttpsServer.https();
        http = TestTls.trustingClient();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        http.close();
        server.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.received.clear();
        server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 200, "ok");
    }

    /** @return the server, whose handler a test sets and whose received requests it reads */
    TestHttpsServer server() {
        return server;
    }

    /** @return the server's base URL, {@code https://127.0.0.1:PORT} */
    String url() {
        return server.url();
    }

    /** @return the shared Apache 5 client that trusts the server's certificate */
    SdkHttpClient http() {
        return http;
    }

    /** @return a sync client builder over the shared HTTP client: the fixture's credentials, us-east-1, no tracing */
    LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(50))
                .tracing(false);
    }

    /** @return an async client builder over its own Netty client that trusts the server's certificate */
    LatticeAsyncClient.Builder asyncClient() {
        return LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(50))
                .tracing(false);
    }

    /**
     * A GET of a URL.
     *
     * @param url the URL
     * @return the request
     */
    static LatticeRequest get(String url) {
        return LatticeRequest.builder().url(url).build();
    }
}
