package dev.vpclattice.client.okhttp;

import dev.vpclattice.client.okhttp.internal.DefaultLatticeOkHttpInterceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import okhttp3.Interceptor;

/**
 * Signs OkHttp requests to the hosts of a {@link LatticeRequestSigner} for VPC Lattice. Add it as a <em>network</em>
 * interceptor, so that it signs the headers OkHttp sends, {@code Host} included, and signs every attempt again. A
 * failure to sign fails the call with an {@code IOException} whose cause says why. Thread-safe.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *         .addNetworkInterceptor(LatticeOkHttpInterceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeOkHttpInterceptor extends Interceptor {
    /**
     * Creates the interceptor.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the interceptor
     */
    static LatticeOkHttpInterceptor create(LatticeRequestSigner signer) {
        return new DefaultLatticeOkHttpInterceptor(signer);
    }
}
