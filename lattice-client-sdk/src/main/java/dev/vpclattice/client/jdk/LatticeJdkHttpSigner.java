package dev.vpclattice.client.jdk;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.internal.jdk.DefaultLatticeJdkHttpSigner;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Signs the JDK {@link HttpClient}'s {@link HttpRequest}s for VPC Lattice: call {@link #sign(HttpRequest)} right
 * before each send, retries included. Thread-safe.
 */
public interface LatticeJdkHttpSigner {
    /**
     * Creates a signer for {@code java.net.http} requests.
     *
     * @param signer the signing core, which the caller keeps and closes; required
     * @return the adapter
     */
    static LatticeJdkHttpSigner create(LatticeRequestSigner signer) {
        return new DefaultLatticeJdkHttpSigner(signer);
    }

    /**
     * Returns a copy of the request with the signature's headers and trace headers set, or the request itself when
     * its host is not one the signer signs. The JDK client adds {@code Host}, {@code Content-Length} and
     * {@code User-Agent} itself; none of them is signed but {@code Host}, which it derives from the URI as the
     * signature does.
     *
     * @param request the request as it will be sent; required
     * @return the signed request
     * @throws LatticeClientException if credentials cannot be resolved in time, or a plain-HTTP request is refused
     */
    HttpRequest sign(HttpRequest request);

    /**
     * As {@link #sign(HttpRequest)}, without blocking when credentials must be resolved first.
     *
     * @param request the request as it will be sent; required
     * @return the signed request, or a future failed with a {@link LatticeClientException}
     */
    CompletableFuture<HttpRequest> signAsync(HttpRequest request);
}
