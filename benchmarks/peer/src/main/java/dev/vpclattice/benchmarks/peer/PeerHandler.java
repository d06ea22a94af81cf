package dev.vpclattice.benchmarks.peer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The client function as a user writes it from the VPC Lattice User Guide's Java example, without this project's
 * library: it POSTs its input event to {@code LATTICE_ENDPOINT}, signed by the SDK's {@code AwsV4HttpSigner} for
 * {@code vpc-lattice-svcs} with {@code PAYLOAD_SIGNING_ENABLED=false}, with credentials from the SDK's
 * {@code DefaultCredentialsProvider}, and returns the service's answer. The HTTP client is the subclass's.
 */
public abstract class PeerHandler implements RequestStreamHandler {
    private static final String ENDPOINT = System.getenv("LATTICE_ENDPOINT");
    private static final String REGION = System.getenv("AWS_REGION");

    private final SdkHttpClient httpClient;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials =
            DefaultCredentialsProvider.builder().build();
    private final URI endpoint = URI.create(ENDPOINT.contains("://") ? ENDPOINT : "https://" + ENDPOINT + "/");

    /**
     * Creates the handler with the HTTP client it sends with.
     *
     * @param httpClient the SDK HTTP client
     */
    protected PeerHandler(SdkHttpClient httpClient) {
        this.httpClient = httpClient;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                .putHeader("content-type", "application/json")
                // A bare SDK HTTP client sends what the request says: the SDK's own pipeline would add this.
                .putHeader("content-length", Integer.toString(event.length))
                .contentStreamProvider(() -> new ByteArrayInputStream(event))
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request)
                .payload(request.contentStreamProvider().orElse(null))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        HttpExecuteResponse response = httpClient
                .prepareRequest(HttpExecuteRequest.builder()
                        .request(signed.request())
                        .contentStreamProvider(signed.payload().orElse(null))
                        .build())
                .call();
        byte[] body = response.responseBody()
                .map(in -> {
                    try (in) {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse(new byte[0]);
        int status = response.httpResponse().statusCode();
        if (status / 100 != 2) {
            throw new IllegalStateException(
                    "VPC Lattice answered " + status + ": " + new String(body, StandardCharsets.UTF_8));
        }
        output.write(body);
    }
}
