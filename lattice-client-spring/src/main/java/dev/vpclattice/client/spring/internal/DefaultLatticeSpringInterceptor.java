package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSpringInterceptor;
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
import org.springframework.http.client.support.HttpRequestWrapper;

/** The {@link LatticeSpringInterceptor}: sets the signer's headers on the request, then executes it. */
@LatticeInternalApi
public final class DefaultLatticeSpringInterceptor implements LatticeSpringInterceptor {
    private final LatticeRequestSigner signer;

    /**
     * Creates the interceptor.
     *
     * @param signer the signing core
     */
    public DefaultLatticeSpringInterceptor(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        URI uri = request.getURI();
        if (!signer.signs(uri)) {
            return execution.execute(request, body);
        }
        URI sent = withoutDefaultPort(uri);
        HttpRequest signed = sent == uri
                ? request
                : new HttpRequestWrapper(request) {
                    @Override
                    public URI getURI() {
                        return sent;
                    }
                };
        HttpHeaders headers = request.getHeaders();
        signer.sign(request.getMethod().name(), sent, copy(headers)).forEach(headers::set);
        return execution.execute(signed, body);
    }

    /**
     * The URI without a port that is its scheme's default. Spring's request factories derive {@code Host} from the
     * URI in their own ways (Apache HttpClient keeps {@code :443}, the JDK client drops it); without the port they all
     * send the host alone, which is what the signer signs.
     */
    static URI withoutDefaultPort(URI uri) {
        int port = uri.getPort();
        boolean standard = ("https".equalsIgnoreCase(uri.getScheme()) && port == 443)
                || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80);
        if (!standard) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://"
                + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@") + uri.getHost()
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    }

    /** The headers as a map, through {@code forEach}: Framework 7's HttpHeaders is no longer a Map. */
    static Map<String, List<String>> copy(HttpHeaders headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach(copy::put);
        return copy;
    }

    @Override
    public String toString() {
        return "LatticeSpringInterceptor[" + signer + "]";
    }
}
