package dev.vpclattice.client.spring.boot;

import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSpringInterceptor;
import dev.vpclattice.client.spring.LatticeWebClientFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Spring Boot 4: signs the requests that every Boot-built {@code RestClient}, {@code RestTemplate} and
 * {@code WebClient} sends to the Lattice hosts of {@link LatticeSigningProperties}, and no others. Uses the
 * application's {@link AwsCredentialsProvider} bean when there is one, else the default provider chain; an
 * application's own {@link LatticeRequestSigner} bean replaces the one made here.
 */
@AutoConfiguration
@ConditionalOnClass(LatticeRequestSigner.class)
@ConditionalOnProperty(prefix = "lattice.signing", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LatticeSigningProperties.class)
public class LatticeSigningAutoConfiguration {
    /** Creates the auto-configuration; Spring calls it. */
    public LatticeSigningAutoConfiguration() {}

    /**
     * The signer of the configured hosts.
     *
     * @param properties the {@code lattice.signing.*} properties
     * @param credentials the application's credentials provider, if any
     * @return the signer, closed with the context
     * @throws IllegalStateException if no host would be signed, or SigV4 has no region
     */
    @Bean
    @ConditionalOnMissingBean
    public LatticeRequestSigner latticeRequestSigner(
            LatticeSigningProperties properties, ObjectProvider<AwsCredentialsProvider> credentials) {
        LatticeRequestSigner.Builder builder = LatticeRequestSigner.builder()
                .signingMode(properties.getSigningMode())
                .signPlainHttp(properties.isSignPlainHttp());
        Region region = properties.getRegion() == null || properties.getRegion().isBlank()
                ? null
                : Region.of(properties.getRegion().strip());
        if (region != null) {
            builder.region(region);
        }
        credentials.ifAvailable(builder::credentialsProvider);
        LatticeHosts hosts = properties.getHosts().isEmpty() ? null : LatticeHosts.of(properties.getHosts());
        if (properties.isServiceDomain()) {
            String regionId = region != null ? region.id() : regionFromEnvironment();
            LatticeHosts domain = LatticeHosts.serviceDomain(regionId);
            hosts = hosts == null ? domain : hosts.or(domain);
        }
        if (hosts == null) {
            throw new IllegalStateException("lattice.signing names no host to sign: set lattice.signing.hosts, or"
                    + " leave lattice.signing.service-domain on, or set lattice.signing.enabled=false");
        }
        return builder.hosts(hosts).build();
    }

    /** The region the signer would find in the environment, for the service domain. */
    private static String regionFromEnvironment() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "lattice.signing needs a region for the Lattice service domain: set lattice.signing.region or"
                            + " AWS_REGION (" + e.getMessage() + ")",
                    e);
        }
    }

    /** Customizers of Boot's {@code RestClient.Builder} and {@code RestTemplateBuilder}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.springframework.boot.restclient.RestClientCustomizer",
                "org.springframework.http.client.ClientHttpRequestInterceptor"
            })
    static class RestClients {
        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        RestClientCustomizer latticeSigningRestClientCustomizer(LatticeRequestSigner signer) {
            LatticeSpringInterceptor interceptor = LatticeSpringInterceptor.create(signer);
            return builder -> builder.requestInterceptor(interceptor);
        }

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        RestTemplateCustomizer latticeSigningRestTemplateCustomizer(LatticeRequestSigner signer) {
            LatticeSpringInterceptor interceptor = LatticeSpringInterceptor.create(signer);
            return template -> template.getInterceptors().add(interceptor);
        }
    }

    /** The customizer of Boot's {@code WebClient.Builder}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.springframework.boot.webclient.WebClientCustomizer",
                "org.springframework.web.reactive.function.client.ExchangeFilterFunction"
            })
    static class WebClients {
        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        WebClientCustomizer latticeSigningWebClientCustomizer(LatticeRequestSigner signer) {
            LatticeWebClientFilter filter = LatticeWebClientFilter.create(signer);
            return builder -> builder.filter(filter);
        }
    }
}
