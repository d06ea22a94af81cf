package dev.vpclattice.client.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
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
    void regionAlone_signsTheServiceDomain_andNothingElse() {
        boot.withPropertyValues("lattice.signing.hosts=").run(context -> {
            LatticeRequestSigner signer = context.getBean(LatticeRequestSigner.class);
            assertTrue(signer.signs(
                    URI.create("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-central-1.on.aws/")));
            assertFalse(signer.signs(URI.create("https://127.0.0.1/")));
        });
    }

    @Test
    void noHostNamed_registersNothing_andTheApplicationStarts() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        RestClientAutoConfiguration.class,
                        WebClientAutoConfiguration.class,
                        LatticeSigningAutoConfiguration.class))
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertTrue(
                            context.getBeansOfType(LatticeRequestSigner.class).isEmpty());
                });
        boot.withPropertyValues("lattice.signing.hosts=", "lattice.signing.service-domain=false")
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertTrue(
                            context.getBeansOfType(LatticeRequestSigner.class).isEmpty());
                });
    }

    /**
     * With hosts named and no region anywhere, the application starts (nothing looks for a region then); the first
     * request to a named host says what is missing, and once the environment has a region, requests are signed.
     */
    @Test
    void hostsWithoutRegion_start_andTakeTheRegionFromTheEnvironmentOnFirstUse() {
        assumeTrue(
                System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "the environment names a region");
        Map<String, String> noRegion = Map.of(
                "aws.configFile", "/nonexistent/aws-config",
                "aws.sharedCredentialsFile", "/nonexistent/aws-credentials",
                "aws.disableEc2Metadata", "true");
        noRegion.forEach(System::setProperty);
        System.clearProperty("aws.region");
        try {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(
                            RestClientAutoConfiguration.class,
                            WebClientAutoConfiguration.class,
                            LatticeSigningAutoConfiguration.class))
                    .withBean(AwsCredentialsProvider.class, lattice::credentials)
                    .withPropertyValues("lattice.signing.hosts=127.0.0.1")
                    .run(context -> {
                        assertNull(context.getStartupFailure());
                        RestClient client = context.getBean(RestClient.Builder.class)
                                .requestFactory(new JdkClientHttpRequestFactory(jdk()))
                                .build();
                        String uri = "https://127.0.0.1:" + lattice.endpoint().getPort() + "/a";

                        IllegalStateException noneYet = assertThrows(
                                IllegalStateException.class,
                                () -> client.get().uri(uri).retrieve().body(String.class));
                        assertTrue(
                                noneYet.getMessage().startsWith("lattice.signing needs a region"),
                                noneYet.getMessage());

                        System.setProperty("aws.region", "eu-central-1");
                        assertEquals("ok", client.get().uri(uri).retrieve().body(String.class));
                    });
        } finally {
            noRegion.keySet().forEach(System::clearProperty);
            System.clearProperty("aws.region");
        }
    }

    @Test
    void withoutBoot4sCustomizers_registersNothing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LatticeSigningAutoConfiguration.class))
                .withPropertyValues("lattice.signing.region=eu-central-1", "lattice.signing.hosts=127.0.0.1")
                .withClassLoader(new FilteredClassLoader(
                        "org.springframework.boot.restclient", "org.springframework.boot.webclient"))
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertTrue(
                            context.getBeansOfType(LatticeRequestSigner.class).isEmpty());
                });
    }

    @Test
    void disabled_registersNothing() {
        boot.withPropertyValues("lattice.signing.enabled=false")
                .run(context -> assertTrue(
                        context.getBeansOfType(LatticeRequestSigner.class).isEmpty()));
    }
}
