package dev.vpclattice.client.apache5.internal;

import dev.vpclattice.client.apache5.LatticeApache5Interceptor;
import dev.vpclattice.client.internal.LatticeInternalApi;
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
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/** The {@link LatticeApache5Interceptor}: sets the signer's headers on the request in place. */
@LatticeInternalApi
public final class DefaultLatticeApache5Interceptor implements LatticeApache5Interceptor {
    private final LatticeRequestSigner signer;

    /**
     * Creates the interceptor.
     *
     * @param signer the signing core
     */
    public DefaultLatticeApache5Interceptor(LatticeRequestSigner signer) {
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
        URIAuthority authority = request.getAuthority();
        if (!request.containsHeader(HttpHeaders.HOST) && authority != null) {
            // HttpClient sends the authority as the request has it, a default port included (https://h:443 sends
            // h:443), where a signer would derive h.
            headers.put(
                    HttpHeaders.HOST,
                    List.of(authority.getHostName() + (authority.getPort() < 0 ? "" : ":" + authority.getPort())));
        }
        try {
            signer.sign(request.getMethod(), uri, headers).forEach(request::setHeader);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LatticeApache5Interceptor[" + signer + "]";
    }
}
