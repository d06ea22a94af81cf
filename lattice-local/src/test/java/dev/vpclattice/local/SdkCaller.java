package dev.vpclattice.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls a local Lattice the way an SDK user would without our client library: AwsV4HttpSigner plus an SDK HTTP
 * client that trusts the server's certificate.
 */
final class SdkCaller implements AutoCloseable {
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** A response. */
    record Response(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    SdkCaller(LocalLattice trusted) {
        http = UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(trusted.certificate()::trustManagers)
                .build();
    }

    static SdkHttpRequest.Builder request(URI endpoint, SdkHttpMethod method, String encodedPath) {
        return SdkHttpRequest.builder().uri(endpoint).method(method).encodedPath(encodedPath);
    }

    /** Signs for vpc-lattice-svcs with UNSIGNED-PAYLOAD; the customizer can change properties (region, clock...). */
    SignedRequest sign(
            SdkHttpRequest request,
            byte[] body,
            AwsCredentialsIdentity identity,
            UnaryOperator<software.amazon.awssdk.http.auth.spi.signer.SignRequest.Builder<AwsCredentialsIdentity>>
                    customizer) {
        return signer.sign(r -> customizer.apply(r.identity(identity)
                .request(request)
                .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC())));
    }

    Response send(SdkHttpRequest request, byte[] body) throws IOException {
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                        .request(request)
                        .contentStreamProvider(body == null ? null : ContentStreamProvider.fromByteArray(body))
                        .build())
                .call();
        byte[] bytes = new byte[0];
        if (response.responseBody().isPresent()) {
            try (InputStream in = response.responseBody().get()) {
                bytes = in.readAllBytes();
            }
        }
        return new Response(
                response.httpResponse().statusCode(), response.httpResponse().headers(), bytes);
    }

    @Override
    public void close() {
        http.close();
    }
}
