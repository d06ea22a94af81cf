package dev.vpclattice.client.spring.boot;

import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSpringInterceptor;
import dev.vpclattice.client.spring.LatticeWebClientFilter;
import dev.vpclattice.client.spring.internal.RegionOnFirstUseSigner;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Spring Boot 4: signs the requests that Boot-built {@code RestClient}, {@code RestTemplate} and {@code WebClient}s
 * send to the Lattice hosts of {@link LatticeSigningProperties}, and no others. On once {@code lattice.signing.hosts}
 * or {@code lattice.signing.region} is set; it resolves nothing at startup.
 */
@AutoConfiguration
@Conditional({LatticeSigningAutoConfiguration.OnBoot4Customizers.class, LatticeSigningAutoConfiguration.OnHosts.class})
@ConditionalOnProperty(prefix = "lattice.signing", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LatticeSigningProperties.class)
public class LatticeSigningAutoConfiguration {
    /** Creates the auto-configuration; Spring calls it. */
    public LatticeSigningAutoConfiguration() {}

    /**
     * The signer of the configured hosts. With {@code lattice.signing.region} unset, the region comes from the
     * environment when the first request to a Lattice host is signed.
     *
     * @param properties the {@code lattice.signing.*} properties
     * @param credentials the application's credentials provider, if any
     * @return the signer, closed with the context
     * @throws IllegalArgumentException if a host pattern is invalid
     */
    @Bean
    @ConditionalOnMissingBean
    public LatticeRequestSigner latticeRequestSigner(
            LatticeSigningProperties properties, ObjectProvider<AwsCredentialsProvider> credentials) {
        LatticeRequestSigner.Builder builder = LatticeRequestSigner.builder()
                .signingMode(properties.getSigningMode())
                .signPlainHttp(properties.isSignPlainHttp());
        credentials.ifAvailable(builder::credentialsProvider);
        List<String> named = OnHosts.named(properties.getHosts());
        LatticeHosts hosts = named.isEmpty() ? null : LatticeHosts.of(named);
        String region =
                properties.getRegion() == null ? "" : properties.getRegion().strip();
        if (region.isEmpty()) {
            return new RegionOnFirstUseSigner(builder, hosts, properties.isServiceDomain());
        }
        if (properties.isServiceDomain()) {
            LatticeHosts domain = LatticeHosts.serviceDomain(region);
            hosts = hosts == null ? domain : hosts.or(domain);
        }
        return builder.region(Region.of(region)).hosts(hosts).build();
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

    /** Boot 4's {@code RestClientCustomizer} or {@code WebClientCustomizer} is there (Boot 3 has them elsewhere). */
    static final class OnBoot4Customizers extends AnyNestedCondition {
        OnBoot4Customizers() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnClass(name = "org.springframework.boot.restclient.RestClientCustomizer")
        static final class RestClientCustomizerPresent {}

        @ConditionalOnClass(name = "org.springframework.boot.webclient.WebClientCustomizer")
        static final class WebClientCustomizerPresent {}
    }

    /** Some host is named: {@code lattice.signing.hosts}, or the service domain of {@code lattice.signing.region}. */
    static final class OnHosts extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            List<String> hosts = named(binder.bind("lattice.signing.hosts", String[].class)
                    .map(List::of)
                    .orElse(List.of()));
            String region = binder.bind("lattice.signing.region", String.class)
                    .orElse("")
                    .strip();
            boolean serviceDomain =
                    binder.bind("lattice.signing.service-domain", Boolean.class).orElse(Boolean.TRUE);
            if (!hosts.isEmpty()) {
                return ConditionOutcome.match("lattice.signing.hosts names " + hosts);
            }
            if (!region.isEmpty() && serviceDomain) {
                return ConditionOutcome.match("lattice.signing.region names the service domain of " + region);
            }
            return ConditionOutcome.noMatch("lattice.signing names no host: neither lattice.signing.hosts nor"
                    + " lattice.signing.region (with lattice.signing.service-domain on) is set");
        }

        static List<String> named(List<String> hosts) {
            return hosts.stream()
                    .filter(host -> host != null && !host.isBlank())
                    .map(String::strip)
                    .toList();
        }
    }
}
