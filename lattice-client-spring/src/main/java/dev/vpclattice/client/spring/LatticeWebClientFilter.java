package dev.vpclattice.client.spring;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.internal.DefaultLatticeWebClientFilter;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Signs the requests of a Spring {@code WebClient} to the hosts of a {@link LatticeRequestSigner} for VPC Lattice,
 * without blocking. Register it last; every subscription, a {@code retryWhen} included, signs again. Thread-safe.
 *
 * <pre>{@code
 * WebClient orders = WebClient.builder()
 *         .baseUrl("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws")
 *         .filter(LatticeWebClientFilter.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeWebClientFilter extends ExchangeFilterFunction {
    /**
     * Creates the filter.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the filter
     */
    static LatticeWebClientFilter create(LatticeRequestSigner signer) {
        return new DefaultLatticeWebClientFilter(signer);
    }
}
