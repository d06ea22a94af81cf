package dev.vpclattice.client.internal.jdk;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.jdk.LatticeJdkHttpSigner;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** The {@link LatticeJdkHttpSigner}: copies the request with the headers {@link LatticeRequestSigner} returns. */
@LatticeInternalApi
public final class DefaultLatticeJdkHttpSigner implements LatticeJdkHttpSigner {
    private final LatticeRequestSigner signer;

    /**
     * Creates the adapter.
     *
     * @param signer the signing core
     */
    public DefaultLatticeJdkHttpSigner(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public HttpRequest sign(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        if (!signer.signs(request.uri())) {
            return request;
        }
        return withHeaders(
                request,
                signer.sign(request.method(), request.uri(), request.headers().map()));
    }

    @Override
    public CompletableFuture<HttpRequest> signAsync(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        if (!signer.signs(request.uri())) {
            return CompletableFuture.completedFuture(request);
        }
        return signer.signAsync(
                        request.method(), request.uri(), request.headers().map())
                .thenApply(add -> withHeaders(request, add));
    }

    private static HttpRequest withHeaders(HttpRequest request, Map<String, String> add) {
        if (add.isEmpty()) {
            return request;
        }
        Set<String> replaced = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        replaced.addAll(add.keySet());
        HttpRequest.Builder copy = HttpRequest.newBuilder(request, (name, value) -> !replaced.contains(name));
        for (Map.Entry<String, String> header : add.entrySet()) {
            copy.setHeader(header.getKey(), header.getValue());
        }
        return copy.build();
    }

    @Override
    public String toString() {
        return "LatticeJdkHttpSigner[" + signer + "]";
    }
}
