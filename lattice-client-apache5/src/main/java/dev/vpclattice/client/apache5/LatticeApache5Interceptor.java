package dev.vpclattice.client.apache5;

import dev.vpclattice.client.apache5.internal.DefaultLatticeApache5Interceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import org.apache.hc.core5.http.HttpRequestInterceptor;

/**
 * Signs the requests of Apache HttpClient 5 to the hosts of a {@link LatticeRequestSigner} for VPC Lattice. Add it
 * last ({@code addRequestInterceptorLast}), so that it signs the headers HttpClient sends, {@code Host} included, and
 * signs every retry and redirect again. Thread-safe.
 *
 * <pre>{@code
 * CloseableHttpClient http = HttpClients.custom()
 *         .addRequestInterceptorLast(LatticeApache5Interceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeApache5Interceptor extends HttpRequestInterceptor {
    /**
     * Creates the interceptor.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the interceptor
     */
    static LatticeApache5Interceptor create(LatticeRequestSigner signer) {
        return new DefaultLatticeApache5Interceptor(signer);
    }
}
