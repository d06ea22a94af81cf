package dev.vpclattice.client.okhttp.internal;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.okhttp.LatticeOkHttpInterceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import okhttp3.Request;
import okhttp3.Response;

/** The {@link LatticeOkHttpInterceptor}: proceeds with a copy of the request that carries the signer's headers. */
@LatticeInternalApi
public final class DefaultLatticeOkHttpInterceptor implements LatticeOkHttpInterceptor {
    private final LatticeRequestSigner signer;

    /**
     * Creates the interceptor.
     *
     * @param signer the signing core
     */
    public DefaultLatticeOkHttpInterceptor(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        URI uri = request.url().uri();
        if (!signer.signs(uri)) {
            return chain.proceed(request);
        }
        Map<String, String> add;
        try {
            // As a network interceptor it sees the Host header OkHttp sends (set by OkHttp or by the application).
            add = signer.sign(request.method(), uri, request.headers().toMultimap());
        } catch (LatticeClientException | IllegalArgumentException e) {
            // OkHttp reports an IOException to the call; a runtime exception would end the dispatcher's thread.
            throw new IOException(e.getMessage(), e);
        }
        if (add.isEmpty()) {
            return chain.proceed(request);
        }
        Request.Builder signed = request.newBuilder();
        add.forEach(signed::header);
        return chain.proceed(signed.build());
    }

    @Override
    public String toString() {
        return "LatticeOkHttpInterceptor[" + signer + "]";
    }
}
