package dev.vpclattice.client.internal;

import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.auth.LatticeSigner;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Run in a child JVM by {@link SigV4aClassPathIT}: creates a SigV4A signer and signs one request, printing either
 * {@code SIGNED <algorithm>} or {@code REFUSED <message>}.
 */
public final class SigV4aProbeMain {
    private SigV4aProbeMain() {}

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try {
            LatticeSigner signer = LatticeSigner.create(SigningMode.SIGV4A, null, Clock.systemUTC());
            SdkHttpRequest signed = signer.sign(
                    SdkHttpRequest.builder()
                            .method(SdkHttpMethod.GET)
                            .protocol("https")
                            .host("svc.example")
                            .encodedPath("/")
                            .build(),
                    null,
                    AwsBasicCredentials.create("AKIDPROBE00000000001", "probe-secret-key-00000000000000000000000"));
            String authorization = signed.firstMatchingHeader("Authorization").orElse("");
            System.out.println("SIGNED " + authorization.substring(0, authorization.indexOf(' ')));
        } catch (IllegalStateException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
