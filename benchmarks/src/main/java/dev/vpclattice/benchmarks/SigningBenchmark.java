package dev.vpclattice.benchmarks;

import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import dev.vpclattice.contract.LatticeSigV4;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The library's signing cost alone: {@link LatticeSigner} (SigV4, {@code vpc-lattice-svcs}, unsigned payload) on a
 * POST with session credentials, against the SDK's {@link AwsV4HttpSigner} called directly with the same
 * properties on the same request, the least any correct Lattice client must spend.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SigningBenchmark {
    private static final String HOST = "svc-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-east-1.on.aws";

    private LatticeSigner latticeSigner;
    private AwsV4HttpSigner sdkSigner;
    private AwsCredentialsIdentity credentials;
    private SdkHttpRequest request;
    private SdkHttpRequest requestWithHash;
    private ContentStreamProvider payload;

    /** Creates the signers, credentials and request once. */
    @Setup
    public void setUp() {
        latticeSigner = LatticeSigner.create(SigningMode.SIGV4, "us-east-1", null);
        sdkSigner = AwsV4HttpSigner.create();
        credentials = AwsSessionCredentials.create(
                "ASIAFAKEBENCHMARK001", "FAKE-SECRET-benchmark-0001", "FAKE-SESSION-TOKEN-benchmark-0001");
        byte[] body = "{\"hello\":\"lattice\",\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
        payload = ContentStreamProvider.fromByteArrayUnsafe(body);
        request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("https")
                .host(HOST)
                .encodedPath("/orders")
                .putHeader("content-type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        requestWithHash = request.toBuilder()
                .putHeader(LatticeSigV4.CONTENT_SHA256_HEADER, LatticeSigV4.UNSIGNED_PAYLOAD)
                .build();
    }

    /**
     * The library's signer.
     *
     * @return the signed request
     */
    @Benchmark
    public SdkHttpRequest latticeSigner() {
        return latticeSigner.sign(request, payload, credentials);
    }

    /**
     * The SDK signer alone, the baseline.
     *
     * @return the signed request
     */
    @Benchmark
    public SdkHttpRequest sdkSignerDirect() {
        return sdkSigner
                .sign(SignRequest.builder(credentials)
                        .request(requestWithHash)
                        .payload(payload)
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, LatticeSigV4.SIGNING_NAME)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .build())
                .request();
    }
}
