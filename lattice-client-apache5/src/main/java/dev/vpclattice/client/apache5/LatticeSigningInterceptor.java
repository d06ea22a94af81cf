package dev.vpclattice.client.apache5;

import dev.vpclattice.client.apache5.internal.DefaultLatticeSigningInterceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import org.apache.hc.core5.http.HttpRequestInterceptor;

/**
 * Signs the requests of Apache HttpClient 5 (classic or async) for VPC Lattice. Add it last
 * ({@code HttpClientBuilder#addRequestInterceptorLast}): it then runs after the client's own protocol interceptors
 * have set {@code Host} and the content headers, and again for every retry of the client's retry strategy and every
 * redirect, each with a fresh signature. Only requests to the hosts of the {@link LatticeRequestSigner} are signed.
 * Thread-safe.
 *
 * <pre>{@code
 * CloseableHttpClient http = HttpClients.custom()
 *         .addRequestInterceptorLast(LatticeSigningInterceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeSigningInterceptor extends HttpRequestInterceptor {
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
