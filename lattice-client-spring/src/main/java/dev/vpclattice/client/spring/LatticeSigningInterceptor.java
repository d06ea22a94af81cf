package dev.vpclattice.client.spring;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.internal.DefaultLatticeSigningInterceptor;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * Signs the requests of a Spring {@code RestClient} or {@code RestTemplate} for VPC Lattice. Register it last, so it
 * sees the headers that earlier interceptors set; every execution is signed again, so a retry gets a fresh date. Only
 * requests to the hosts of the {@link LatticeRequestSigner} are signed. Thread-safe.
 *
 * <pre>{@code
 * RestClient orders = RestClient.builder()
 *         .baseUrl("https://orders-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws")
 *         .requestInterceptor(LatticeSigningInterceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeSigningInterceptor extends ClientHttpRequestInterceptor {
    /**
     * Creates the interceptor.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the interceptor
     */
    static LatticeSigningInterceptor create(LatticeRequestSigner signer) {
        return new DefaultLatticeSigningInterceptor(signer);
    }
}
