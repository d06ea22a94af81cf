package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.contract.LatticeSigV4;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Turns a {@link LatticeRequest} and the length of its body into the SDK's unsigned {@link SdkHttpRequest}: adds the
 * library's {@code User-Agent} when the caller set none, {@code Content-Length}, and for signed modes the
 * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} header that must be among the signed ones.
 */
@LatticeInternalApi
public final class HttpRequestFactory {
    private final boolean signed;

    /**
     * Creates the factory.
     *
     * @param mode how the client signs
     */
    public HttpRequestFactory(SigningMode mode) {
        this.signed = mode != SigningMode.NONE;
    }

    /**
     * Builds the unsigned request.
     *
     * @param request the caller's request
     * @param contentLength the length of the body to send, or -1 for none
     * @return the request to sign
     */
    public SdkHttpRequest create(LatticeRequest request, long contentLength) {
        SdkHttpRequest.Builder http = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol(request.scheme())
                .host(request.host())
                .port(request.port() > 0 ? request.port() : null)
                .encodedPath(request.encodedPath());
        for (Map.Entry<String, List<String>> parameter :
                request.queryParameters().entrySet()) {
            http.putRawQueryParameter(parameter.getKey(), parameter.getValue());
        }
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            http.putHeader(header.getKey(), header.getValue());
        }
        if (request.firstHeader("User-Agent").isEmpty()) {
            // Without it the Apache 5 client sends an empty User-Agent; services' access logs deserve a name.
            http.putHeader("User-Agent", UserAgent.VALUE);
        }
        if (contentLength >= 0) {
            http.putHeader("Content-Length", Long.toString(contentLength));
        }
        if (signed) {
            // Lattice does not support payload signing; the marker must be sent and signed (LatticeSigner).
            http.putHeader(LatticeSigV4.CONTENT_SHA256_HEADER, LatticeSigV4.UNSIGNED_PAYLOAD);
        }
        return http.build();
    }
}
