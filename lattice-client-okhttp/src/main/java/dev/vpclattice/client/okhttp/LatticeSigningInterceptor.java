package dev.vpclattice.client.okhttp;

import dev.vpclattice.client.okhttp.internal.DefaultLatticeSigningInterceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import okhttp3.Interceptor;

/**
 * Signs OkHttp requests for VPC Lattice. Add it as a <em>network</em> interceptor
 * ({@code OkHttpClient.Builder#addNetworkInterceptor}): it then sees the headers OkHttp sets itself ({@code Host},
 * {@code Content-Type}), runs again for every retry, redirect and authentication challenge OkHttp makes (each gets a
 * fresh signature), and trace headers that application interceptors add stay unsigned. A failure to sign (no
 * credentials in time, a refused plain-HTTP request) fails the call with an {@code IOException} whose cause is the
 * {@code LatticeClientException}. Only requests to the hosts of the {@link LatticeRequestSigner} are signed.
 * Thread-safe.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *         .addNetworkInterceptor(LatticeSigningInterceptor.create(signer))
 *         .build();
 * }</pre>
 */
public interface LatticeSigningInterceptor extends Interceptor {
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
