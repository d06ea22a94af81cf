package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSigningInterceptor;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

/** The {@link LatticeSigningInterceptor}: sets the signer's headers on the request, then executes it. */
public final class DefaultLatticeSigningInterceptor implements LatticeSigningInterceptor {
    private final LatticeRequestSigner signer;

    /**
     * Creates the interceptor.
     *
     * @param signer the signing core
     */
    public DefaultLatticeSigningInterceptor(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        URI uri = request.getURI();
        if (signer.signs(uri)) {
            HttpHeaders headers = request.getHeaders();
            Map<String, String> add = signer.sign(request.getMethod().name(), uri, copy(headers));
            add.forEach(headers::set);
        }
        return execution.execute(request, body);
    }

    /** The headers as a map, through {@code forEach}: Framework 7's HttpHeaders is no longer a Map, 6.2's is. */
    static Map<String, List<String>> copy(HttpHeaders headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach(copy::put);
        return copy;
    }

    @Override
    public String toString() {
        return "LatticeSigningInterceptor[" + signer + "]";
    }
}
