package dev.vpclattice.client.apache5;

import static dev.vpclattice.client.testing.EchoLattice.date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.testing.DefaultPortLattice;
import dev.vpclattice.client.testing.EchoLattice;
import dev.vpclattice.client.testing.LogCapture;
import dev.vpclattice.client.testing.RecordingSigner;
import dev.vpclattice.client.testing.SigningFixtures;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Apache HttpClient 5 classic with the interceptor added last, against a local Lattice under AWS_IAM. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class Apache5SigningLocalLatticeTest {
    @RegisterExtension
    static final EchoLattice echo = EchoLattice.create("orders.example.com");

    @RegisterExtension
    static final LocalLatticeExtension lattice = echo.extension();

    /** The host client's own TLS trust, timeouts and retry strategy (503 for idempotent methods). */
    static CloseableHttpClient client(LatticeRequestSigner signer) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(
                                lattice.certificate().sslContext()))
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofSeconds(30))
                        .build())
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(2, TimeValue.ofMilliseconds(10)))
                .addRequestInterceptorLast(LatticeApache5Interceptor.create(signer))
                .build();
    }

    static String call(CloseableHttpClient client, ClassicHttpRequest request) throws IOException {
        return client.execute(
                request, response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
    }

    static String url(String path) {
        return lattice.endpoint() + path;
    }

    /**
     * A JSON body of unknown length: the client streams it chunked, nothing reads it to sign. Its content type has no
     * charset: the local Lattice's HTTP server reports {@code charset=UTF-8} in lower case to its verifier, so a
     * signature over the upper-case value that HttpClient sends would not verify there.
     */
    static HttpPost streamedPost(String path, String json) {
        HttpPost post = new HttpPost(url(path));
        post.setEntity(new InputStreamEntity(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                -1,
                ContentType.create("application/json")));
        return post;
    }

    @Test
    void getAndStreamedJsonPost_areSignedAndAccepted() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            assertEquals(
                    "200 {\"seen\":\"GET /orders/7?b=2&a=1\"}", call(client, new HttpGet(url("/orders/7?b=2&a=1"))));
            assertEquals("200 {\"seen\":\"POST /orders\"}", call(client, streamedPost("/orders", "{\"order\":7}")));

            VpcLatticeV2Request post = lattice.receivedEvents().get(1);
            assertEquals("{\"order\":7}", post.getBody());
            assertEquals(
                    lattice.allowedPrincipal(),
                    post.getRequestContext().getIdentity().getPrincipal());
        }
    }

    @Test
    void retryByTheClientsRetryStrategy_isSignedAgainWithAFreshDate() throws Exception {
        echo.failNext(1);
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            assertEquals("200 {\"seen\":\"GET /retry\"}", call(client, new HttpGet(url("/retry"))));

            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(2, events.size());
            assertNotEquals(date(events.get(0)), date(events.get(1)));
        }
    }

    @Test
    void wrongSecret_gets403() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(echo.wrongSecret());
                CloseableHttpClient client = client(signer)) {
            String answer = call(client, new HttpGet(url("/")));
            assertTrue(answer.startsWith("403 "), answer);
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void plainHttp_failsTheCallWithTheClientException() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            HttpGet get = new HttpGet("http://127.0.0.1:" + lattice.endpoint().getPort() + "/");

            LatticeClientException e = assertThrows(LatticeClientException.class, () -> call(client, get));
            assertTrue(e.getMessage().contains("signPlainHttp(true)"), e.getMessage());
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void explicitDefaultPort_isSignedAsHttpClientSendsIt() throws Exception {
        try (DefaultPortLattice on443 = DefaultPortLattice.start("eu-central-1");
                LatticeRequestSigner signer = on443.signer();
                CloseableHttpClient client = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(new DefaultClientTlsStrategy(
                                        on443.certificate().sslContext()))
                                .build())
                        .addRequestInterceptorLast(LatticeApache5Interceptor.create(signer))
                        .build()) {
            // HttpClient sends the port as the URL has it.
            assertEquals("200 GET /explicit", call(client, new HttpGet("https://127.0.0.1:443/explicit")));
            assertEquals("200 GET /implicit", call(client, new HttpGet("https://127.0.0.1/implicit")));

            assertEquals(
                    List.of("127.0.0.1:443"),
                    on443.received().get(0).getHeaders().get("host"));
            assertEquals(
                    List.of("127.0.0.1"), on443.received().get(1).getHeaders().get("host"));
        }
    }

    @Test
    void hostOverride_isSignedAsSent() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials());
                CloseableHttpClient client = client(signer)) {
            HttpGet get = new HttpGet(url("/override"));
            get.setHeader("Host", "orders.example.com:" + lattice.endpoint().getPort());

            assertEquals("200 {\"seen\":\"GET /override\"}", call(client, get));
            assertEquals(
                    List.of("orders.example.com:" + lattice.endpoint().getPort()),
                    lattice.receivedEvents().get(0).getHeaders().get("host"));
        }
    }

    @Test
    void asyncClient_getAndPost_areSignedAndAccepted_andAWrongSecretGets403() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials());
                LatticeRequestSigner wrong = echo.signer(echo.wrongSecret());
                CloseableHttpAsyncClient client = asyncClient(signer);
                CloseableHttpAsyncClient denied = asyncClient(wrong)) {
            client.start();
            denied.start();

            SimpleHttpResponse got = client.execute(
                            SimpleRequestBuilder.get(url("/async?x=1")).build(), null)
                    .get(30, TimeUnit.SECONDS);
            SimpleHttpResponse posted = client.execute(
                            SimpleRequestBuilder.post(url("/async"))
                                    .setBody("{\"order\":7}", ContentType.create("application/json"))
                                    .build(),
                            null)
                    .get(30, TimeUnit.SECONDS);
            SimpleHttpResponse refused = denied.execute(
                            SimpleRequestBuilder.get(url("/async")).build(), null)
                    .get(30, TimeUnit.SECONDS);

            assertEquals("{\"seen\":\"GET /async?x=1\"}", got.getBodyText());
            assertEquals("{\"seen\":\"POST /async\"}", posted.getBodyText());
            assertEquals("{\"order\":7}", lattice.receivedEvents().get(1).getBody());
            assertEquals(403, refused.getCode());
            assertEquals(2, lattice.receivedEvents().size());
        }
    }

    static CloseableHttpAsyncClient asyncClient(LatticeRequestSigner signer) {
        return HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(new DefaultClientTlsStrategy(
                                lattice.certificate().sslContext()))
                        .build())
                .addRequestInterceptorLast(LatticeApache5Interceptor.create(signer))
                .build();
    }

    @Test
    void signatureValues_reachNoLogLine_withTheHeaderAndWireLoggersOff() throws Exception {
        // HttpClient's own header and wire loggers print every header at DEBUG, Authorization included: the README
        // asks to keep them off; everything else logs at every level here.
        Logger headers = Logger.getLogger("org.apache.hc.client5.http.headers");
        Logger wire = Logger.getLogger("org.apache.hc.client5.http.wire");
        try (LogCapture logs = LogCapture.start();
                RecordingSigner signer = echo.signer(lattice.credentials());
                RecordingSigner wrong = echo.signer(echo.wrongSecret());
                CloseableHttpClient client = client(signer);
                CloseableHttpClient denied = client(wrong)) {
            headers.setLevel(Level.INFO);
            wire.setLevel(Level.INFO);
            echo.failNext(1);
            call(client, new HttpGet(url("/logged")));
            call(client, streamedPost("/logged", "{}"));
            String refused = call(denied, new HttpGet(url("/logged")));
            List<String> secrets = SigningFixtures.secretsAndSignatures(lattice.credentials(), signer, wrong);

            assertTrue(refused.startsWith("403 "), refused);
            assertEquals(3, lattice.receivedEvents().size());
            assertEquals(3, wrong.secrets().size(), "the refused request's signature and token are looked for too");
            assertTrue(
                    logs.linesFrom("org.apache.hc.client5.http.impl.classic").stream()
                            .anyMatch(line -> line.contains("GET /logged")),
                    "the client's DEBUG lines about the requests were captured");
            assertEquals(List.of(), logs.linesContaining(secrets));
        } finally {
            headers.setLevel(null);
            wire.setLevel(null);
        }
    }
}
