package dev.vpclattice.client.spring;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.internal.DefaultLatticeSigningFilter;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Signs the requests of a Spring {@code WebClient} for VPC Lattice, without blocking: credentials that must be
 * resolved first are awaited asynchronously. Register it last; each subscription signs again, so a
 * {@code retryWhen} gets a fresh date. Headers that the body writer adds later ({@code Content-Type},
 * {@code Content-Length}) are left out of the signature, which stays valid. Thread-safe.
 *
 * <pre>{@code
 * WebClient orders = WebClient.builder()
 *         .baseUrl("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws")
 *         .filter(LatticeSigningFilter.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeSigningFilter extends ExchangeFilterFunction {
    /**
     * Creates the filter.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the filter
     */
    static LatticeSigningFilter create(LatticeRequestSigner signer) {
        return new DefaultLatticeSigningFilter(signer);
    }
}
