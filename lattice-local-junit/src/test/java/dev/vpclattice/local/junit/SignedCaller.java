package dev.vpclattice.local.junit;

import dev.vpclattice.local.LocalCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Calls a local Lattice as an AWS SDK user would without this project's library (whose own tests use this module):
 * the SDK's AwsV4HttpSigner and its Apache 5 client, trusting the certificate for this client only.
 */
final class SignedCaller implements AutoCloseable {
    private final SdkHttpClient http;
    private final String region;

    record Response(int status, String body) {}

    SignedCaller(LocalCertificate certificate, String region) {
        this.http = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(certificate::trustManagers)
                .build();
        this.region = region;
    }

    /** POSTs {@code body} to {@code endpoint + path}, signed by {@code credentials}, or unsigned when null. */
    Response post(URI endpoint, String path, String body, AwsCredentialsProvider credentials) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(endpoint)
                .method(SdkHttpMethod.POST)
                .encodedPath(path)
                .putHeader("Content-Type", "application/json")
                .build();
        if (credentials != null) {
            SdkHttpRequest unsigned = request;
            request = AwsV4HttpSigner.create()
                    .sign(r -> r.identity(credentials.resolveCredentials())
                            .request(unsigned)
                            .payload(ContentStreamProvider.fromByteArray(bytes))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                            .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
                    .request();
        }
        return send(request, bytes);
    }

    private Response send(SdkHttpRequest request, byte[] body) {
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(request)
                            .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                            .build())
                    .call();
            String text = "";
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Response(response.httpResponse().statusCode(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
