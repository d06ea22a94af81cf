package dev.vpclattice.client.apache5.internal;

import dev.vpclattice.client.apache5.LatticeSigningInterceptor;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;

/** The {@link LatticeSigningInterceptor}: sets the signer's headers on the request in place. */
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
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) throws ProtocolException {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            throw new ProtocolException("The request URI cannot be signed: " + e.getReason(), e);
        }
        if (!signer.signs(uri)) {
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : request.getHeaders()) {
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>(1))
                    .add(header.getValue());
        }
        signer.sign(request.getMethod(), uri, headers).forEach(request::setHeader);
    }

    @Override
    public String toString() {
        return "LatticeSigningInterceptor[" + signer + "]";
    }
}
