package dev.vpclattice.client.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Spring Boot 4: the customizers sign the Boot-built RestClient and WebClient for the named hosts only. The local
 * Lattice answers to {@code 127.0.0.1} and {@code localhost}; only the first is named, so requests to the second go
 * unsigned and are denied.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LatticeSigningAutoConfigurationTest {
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-central-1")
            .target(event ->
                    VpcLatticeV2Response.builder().statusCode(200).body("ok").build())
            .build();

    private final ApplicationContextRunner boot = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    RestClientAutoConfiguration.class,
                    WebClientAutoConfiguration.class,
                    LatticeSigningAutoConfiguration.class))
            .withBean(AwsCredentialsProvider.class, lattice::credentials)
            .withPropertyValues("lattice.signing.region=eu-central-1", "lattice.signing.hosts=127.0.0.1");

    private static HttpClient jdk() {
        return HttpClient.newBuilder()
                .sslContext(lattice.certificate().sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void restClientBuilder_signsTheNamedHostOnly() {
        boot.run(context -> {
            RestClient client = context.getBean(RestClient.Builder.class)
                    .requestFactory(new JdkClientHttpRequestFactory(jdk()))
                    .build();

            assertEquals(
                    "ok",
                    client.get()
                            .uri("https://127.0.0.1:" + lattice.endpoint().getPort() + "/a")
                            .retrieve()
                            .body(String.class));
            HttpClientErrorException denied = assertThrows(
                    HttpClientErrorException.class,
                    () -> client.get()
                            .uri("https://localhost:" + lattice.endpoint().getPort() + "/a")
                            .retrieve()
                            .body(String.class));
            assertEquals(403, denied.getStatusCode().value());
            assertTrue(denied.getResponseBodyAsString().contains("User: anonymous"), denied.getMessage());
        });
    }

    @Test
    void webClientBuilder_signsTheNamedHostOnly() {
        boot.run(context -> {
            WebClient client = context.getBean(WebClient.Builder.class)
                    .clientConnector(new JdkClientHttpConnector(jdk()))
                    .build();

            assertEquals(
                    "ok",
                    client.get()
                            .uri("https://127.0.0.1:" + lattice.endpoint().getPort() + "/a")
                            .retrieve()
                            .bodyToMono(String.class)
                            .block(Duration.ofSeconds(30)));
            WebClientResponseException denied = assertThrows(
                    WebClientResponseException.class,
                    () -> client.get()
                            .uri("https://localhost:" + lattice.endpoint().getPort() + "/a")
                            .retrieve()
                            .bodyToMono(String.class)
                            .block(Duration.ofSeconds(30)));
            assertEquals(403, denied.getStatusCode().value());
        });
    }

    @Test
    void serviceDomain_isSignedByDefault_andNothingElse() {
        boot.withPropertyValues("lattice.signing.hosts=").run(context -> {
            LatticeRequestSigner signer = context.getBean(LatticeRequestSigner.class);
            assertTrue(signer.signs(java.net.URI.create(
                    "https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-central-1.on.aws/")));
            assertTrue(!signer.signs(java.net.URI.create("https://127.0.0.1/")));
        });
    }

    @Test
    void noHostAtAll_failsTheStart_sayingWhat() {
        boot.withPropertyValues("lattice.signing.hosts=", "lattice.signing.service-domain=false")
                .run(context -> {
                    assertTrue(context.getStartupFailure() != null);
                    Throwable root = context.getStartupFailure();
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertTrue(root.getMessage().contains("lattice.signing names no host"), root.getMessage());
                });
    }

    @Test
    void disabled_registersNothing() {
        boot.withPropertyValues("lattice.signing.enabled=false")
                .run(context -> assertTrue(
                        context.getBeansOfType(LatticeRequestSigner.class).isEmpty()));
    }
}
