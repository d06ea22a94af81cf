package dev.vpclattice.client.spring;

import static dev.vpclattice.client.testing.EchoLattice.date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.testing.DefaultPortLattice;
import dev.vpclattice.client.testing.EchoLattice;
import dev.vpclattice.client.testing.LogCapture;
import dev.vpclattice.client.testing.RecordingSigner;
import dev.vpclattice.client.testing.SigningFixtures;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.netty.http.Http11SslContextSpec;
import reactor.util.retry.Retry;

/**
 * Spring's RestClient and RestTemplate (over the JDK client) and WebClient (over Reactor Netty), signed by the
 * interceptor and the filter, against a local Lattice under AWS_IAM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpringSigningLocalLatticeTest {
    @RegisterExtension
    static final EchoLattice echo = EchoLattice.create("orders.example.com");

    @RegisterExtension
    static final LocalLatticeExtension lattice = echo.extension();

    /** The host client's own TLS trust and timeouts. */
    static JdkClientHttpRequestFactory jdkRequests() {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .sslContext(lattice.certificate().sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build());
        factory.setReadTimeout(Duration.ofSeconds(30));
        return factory;
    }

    static RestClient restClient(LatticeRequestSigner signer) {
        return RestClient.builder()
                .baseUrl(lattice.endpoint().toString())
                .requestFactory(jdkRequests())
                .requestInterceptor(LatticeSpringInterceptor.create(signer))
                .build();
    }

    static WebClient webClient(LatticeRequestSigner signer) {
        return webClient(signer, netty());
    }

    static reactor.netty.http.client.HttpClient netty() {
        return reactor.netty.http.client.HttpClient.create()
                .secure(tls -> tls.sslContext(Http11SslContextSpec.forClient()
                        .configure(builder ->
                                builder.trustManager(lattice.certificate().x509()))))
                .responseTimeout(Duration.ofSeconds(30));
    }

    static WebClient webClient(LatticeRequestSigner signer, reactor.netty.http.client.HttpClient netty) {
        return WebClient.builder()
                .baseUrl(lattice.endpoint().toString())
                .clientConnector(new ReactorClientHttpConnector(netty))
                .filter(LatticeWebClientFilter.create(signer))
                .build();
    }

    @Test
    void restClient_getAndJsonPost_areSignedAndAccepted() {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            RestClient client = restClient(signer);

            String got = client.get().uri("/orders/7?b=2&a=1").retrieve().body(String.class);
            String posted = client.post()
                    .uri("/orders")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("order", 7))
                    .retrieve()
                    .body(String.class);

            assertEquals("{\"seen\":\"GET /orders/7?b=2&a=1\"}", got);
            assertEquals("{\"seen\":\"POST /orders\"}", posted);
            VpcLatticeV2Request post = lattice.receivedEvents().get(1);
            assertEquals("{\"order\":7}", post.getBody());
            assertEquals(
                    lattice.allowedPrincipal(),
                    post.getRequestContext().getIdentity().getPrincipal());
        }
    }

    @Test
    void restClient_retriedBySpringRetry_isSignedAgainWithAFreshDate() throws Exception {
        echo.failNext(1);
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            RestClient client = restClient(signer);
            RetryTemplate retry = new RetryTemplate(RetryPolicy.builder()
                    .maxRetries(2)
                    .delay(Duration.ofMillis(10))
                    .includes(HttpServerErrorException.ServiceUnavailable.class)
                    .build());

            String body =
                    retry.execute(() -> client.get().uri("/retry").retrieve().body(String.class));

            assertEquals("{\"seen\":\"GET /retry\"}", body);
            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(2, events.size());
            assertNotEquals(date(events.get(0)), date(events.get(1)));
        }
    }

    @Test
    void restClient_wrongSecret_gets403() {
        try (LatticeRequestSigner signer = echo.signer(echo.wrongSecret())) {
            HttpClientErrorException e = assertThrows(
                    HttpClientErrorException.class,
                    () -> restClient(signer).get().uri("/").retrieve().body(String.class));
            assertEquals(403, e.getStatusCode().value());
            assertTrue(lattice.receivedEvents().isEmpty());
        }
    }

    @Test
    void restTemplate_getPostAndRetry_areSigned() throws Exception {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            RestTemplate template = new RestTemplate(jdkRequests());
            template.getInterceptors().add(LatticeSpringInterceptor.create(signer));
            String base = lattice.endpoint().toString();

            assertEquals("{\"seen\":\"GET /t\"}", template.getForObject(base + "/t", String.class));
            assertEquals("{\"seen\":\"POST /t\"}", template.postForObject(base + "/t", Map.of("a", 1), String.class));
            echo.failNext(1);
            RetryTemplate retry = new RetryTemplate(RetryPolicy.builder()
                    .maxRetries(2)
                    .delay(Duration.ofMillis(10))
                    .build());
            assertEquals(
                    "{\"seen\":\"GET /t\"}", retry.execute(() -> template.getForObject(base + "/t", String.class)));

            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(4, events.size());
            assertEquals("{\"a\":1}", events.get(1).getBody());
            assertNotEquals(date(events.get(2)), date(events.get(3)));
        }
        try (LatticeRequestSigner wrong = echo.signer(echo.wrongSecret())) {
            RestTemplate template = new RestTemplate(jdkRequests());
            template.getInterceptors().add(LatticeSpringInterceptor.create(wrong));
            HttpClientErrorException e = assertThrows(
                    HttpClientErrorException.class,
                    () -> template.getForObject(lattice.endpoint() + "/", String.class));
            assertEquals(403, e.getStatusCode().value());
        }
    }

    @Test
    void webClient_getJsonPostAndRetry_areSigned() {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            WebClient client = webClient(signer);

            String got = client.get()
                    .uri("/w?x=1")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            String posted = client.post()
                    .uri("/w")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("order", 7))
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            echo.failNext(1);
            String retried = client.get()
                    .uri("/w")
                    .retrieve()
                    .bodyToMono(String.class)
                    .retryWhen(Retry.fixedDelay(2, Duration.ofMillis(10))
                            .filter(e -> e instanceof WebClientResponseException.ServiceUnavailable))
                    .block(Duration.ofSeconds(30));

            assertEquals("{\"seen\":\"GET /w?x=1\"}", got);
            assertEquals("{\"seen\":\"POST /w\"}", posted);
            assertEquals("{\"seen\":\"GET /w\"}", retried);
            List<VpcLatticeV2Request> events = lattice.receivedEvents();
            assertEquals(4, events.size());
            assertEquals("{\"order\":7}", events.get(1).getBody());
            assertNotEquals(date(events.get(2)), date(events.get(3)));
        }
    }

    @Test
    void webClient_wrongSecret_gets403() {
        try (LatticeRequestSigner signer = echo.signer(echo.wrongSecret())) {
            WebClientResponseException e = assertThrows(
                    WebClientResponseException.class,
                    () -> webClient(signer)
                            .get()
                            .uri("/")
                            .retrieve()
                            .bodyToMono(String.class)
                            .block(Duration.ofSeconds(30)));
            assertEquals(403, e.getStatusCode().value());
        }
    }

    @Test
    void webClient_hostOverride_isSignedAsSent() {
        try (LatticeRequestSigner signer = echo.signer(lattice.credentials())) {
            String got = webClient(signer)
                    .get()
                    .uri("/override")
                    .header("Host", "orders.example.com:" + lattice.endpoint().getPort())
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));

            assertEquals("{\"seen\":\"GET /override\"}", got);
            assertEquals(
                    List.of("orders.example.com:" + lattice.endpoint().getPort()),
                    lattice.receivedEvents().get(0).getHeaders().get("host"));
        }
    }

    /**
     * {@code https://127.0.0.1:443} as written: RestClient over Apache HttpClient (which would send the port as the URL
     * has it) and WebClient over Reactor Netty send the Host that was signed.
     */
    @Test
    void explicitDefaultPort_isSentAsSigned() throws Exception {
        try (DefaultPortLattice on443 = DefaultPortLattice.start("eu-central-1");
                LatticeRequestSigner signer = on443.signer();
                CloseableHttpClient apache = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(new DefaultClientTlsStrategy(
                                        on443.certificate().sslContext()))
                                .build())
                        .build()) {
            RestClient overApache = RestClient.builder()
                    .requestFactory(new HttpComponentsClientHttpRequestFactory(apache))
                    .requestInterceptor(LatticeSpringInterceptor.create(signer))
                    .build();
            WebClient overNetty = WebClient.builder()
                    .clientConnector(new ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create()
                            .secure(tls -> tls.sslContext(Http11SslContextSpec.forClient()
                                    .configure(builder -> builder.trustManager(
                                            on443.certificate().x509()))))))
                    .filter(LatticeWebClientFilter.create(signer))
                    .build();

            String viaApache = overApache
                    .get()
                    .uri("https://127.0.0.1:443/apache")
                    .retrieve()
                    .body(String.class);
            String viaNetty = overNetty
                    .get()
                    .uri("https://127.0.0.1:443/netty")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));

            assertEquals("GET /apache", viaApache);
            assertEquals("GET /netty", viaNetty);
        }
    }

    /**
     * Spring's and Reactor Netty's loggers at every level (RestTemplate's and WebClient's request lines, which WebClient
     * writes after the filter has signed): no secret, signature or token in any line, of accepted or refused requests.
     */
    @Test
    void signatureValues_reachNoLogLine_ofSpringOrItsClients() {
        try (LogCapture logs = LogCapture.start();
                RecordingSigner signer = echo.signer(lattice.credentials());
                RecordingSigner wrong = echo.signer(echo.wrongSecret())) {
            RestTemplate template = new RestTemplate(jdkRequests());
            template.getInterceptors().add(LatticeSpringInterceptor.create(signer));
            template.getForObject(lattice.endpoint() + "/logged", String.class);
            restClient(signer)
                    .post()
                    .uri("/logged")
                    .body(Map.of("a", 1))
                    .retrieve()
                    .body(String.class);
            webClient(signer)
                    .get()
                    .uri("/logged")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            assertThrows(
                    HttpClientErrorException.class,
                    () -> restClient(wrong).get().uri("/").retrieve().body(String.class));
            assertThrows(
                    WebClientResponseException.class,
                    () -> webClient(wrong)
                            .get()
                            .uri("/")
                            .retrieve()
                            .bodyToMono(String.class)
                            .block(Duration.ofSeconds(30)));
            List<String> secrets = SigningFixtures.secretsAndSignatures(lattice.credentials(), signer, wrong);

            assertEquals(3, lattice.receivedEvents().size());
            assertEquals(6, wrong.secrets().size(), "the refused requests' signatures and tokens are looked for too");
            assertTrue(
                    logs.linesFrom("org.springframework.web.client.RestTemplate").stream()
                            .anyMatch(line -> line.contains("HTTP GET")),
                    () -> "RestTemplate's request line was captured: " + logs.lines());
            assertTrue(
                    logs.linesFrom("org.springframework.web.reactive.function.client.ExchangeFunctions").stream()
                            .anyMatch(line -> line.contains("HTTP GET") && line.contains("headers=")),
                    () -> "WebClient's request line, with its headers masked, was captured: " + logs.lines());
            assertEquals(List.of(), logs.linesContaining(secrets));
        }
    }
}
