package dev.vpclattice.client.spring;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.internal.DefaultLatticeSpringInterceptor;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * Signs the requests of a Spring {@code RestClient} or {@code RestTemplate} to the hosts of a
 * {@link LatticeRequestSigner} for VPC Lattice. Register it last; every execution, a retry included, signs again.
 * Thread-safe.
 *
 * <pre>{@code
 * RestClient orders = RestClient.builder()
 *         .baseUrl("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws")
 *         .requestInterceptor(LatticeSpringInterceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeSpringInterceptor extends ClientHttpRequestInterceptor {
    /**
     * Creates the interceptor.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the interceptor
     */
    static LatticeSpringInterceptor create(LatticeRequestSigner signer) {
        return new DefaultLatticeSpringInterceptor(signer);
    }
}
