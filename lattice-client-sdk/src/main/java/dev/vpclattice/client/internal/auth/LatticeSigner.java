package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.contract.LatticeSigV4;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4aHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.RegionSet;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs one HTTP request for VPC Lattice with the SDK's {@link AwsV4HttpSigner} or {@link AwsV4aHttpSigner}:
 * service {@code vpc-lattice-svcs}, {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} (sent and signed), session token
 * included by the signer. Thread-safe; separate from the client so signing can be benchmarked alone.
 */
@LatticeInternalApi
public final class LatticeSigner {
    private static final String SIGV4A_NEEDS_CRT = "SigningMode.SIGV4A needs software.amazon.awssdk:http-auth-aws-crt"
            + " and the AWS CRT it brings (" + OptionalDependencies.CRT_NATIVE_SIGNER
            + " of software.amazon.awssdk.crt:aws-crt) on the classpath: add http-auth-aws-crt, or use SigningMode.SIGV4";

    private final SigningMode mode;
    private final String region;
    private final Clock clock;
    private final boolean doubleUrlEncode;
    private final HttpSigner<AwsCredentialsIdentity> signer;

    private LatticeSigner(
            SigningMode mode,
            String region,
            Clock clock,
            boolean doubleUrlEncode,
            HttpSigner<AwsCredentialsIdentity> signer) {
        this.mode = mode;
        this.region = region;
        this.clock = clock;
        this.doubleUrlEncode = doubleUrlEncode;
        this.signer = signer;
    }

    /**
     * Creates a signer, checking the class path for SigV4A.
     *
     * @param mode the signing mode, required
     * @param region the signing region; required for {@link SigningMode#SIGV4}, ignored otherwise
     * @param clock the signing clock, or {@code null} for the system clock
     * @return the signer
     * @throws IllegalStateException if SigV4A is asked for without the CRT signer on the class path
     */
    public static LatticeSigner create(SigningMode mode, String region, Clock clock) {
        return create(mode, region, clock, true);
    }

    /**
     * Creates a signer, checking the class path for SigV4A.
     *
     * @param mode the signing mode, required
     * @param region the signing region; required for {@link SigningMode#SIGV4}, ignored otherwise
     * @param clock the signing clock, or {@code null} for the system clock
     * @param doubleUrlEncode whether the canonical path encodes the already-encoded path again (the SDK's
     *     {@code DOUBLE_URL_ENCODE}; {@code true} in {@link #create(SigningMode, String, Clock)})
     * @return the signer
     * @throws IllegalStateException if SigV4A is asked for without the CRT on the class path
     */
    public static LatticeSigner create(SigningMode mode, String region, Clock clock, boolean doubleUrlEncode) {
        return create(mode, region, clock, doubleUrlEncode, OptionalDependencies.CLASSPATH);
    }

    static LatticeSigner create(SigningMode mode, String region, Clock clock, Predicate<String> classPresent) {
        return create(mode, region, clock, true, classPresent);
    }

    static LatticeSigner create(
            SigningMode mode, String region, Clock clock, boolean doubleUrlEncode, Predicate<String> classPresent) {
        Objects.requireNonNull(mode, "signingMode");
        switch (mode) {
            case SIGV4:
                if (region == null || region.isBlank()) {
                    throw new IllegalStateException(
                            "SigV4 signing needs a region: set LatticeClient.builder().region(...)" + " or AWS_REGION");
                }
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, AwsV4HttpSigner.create());
            case SIGV4A:
                if (!classPresent.test(OptionalDependencies.CRT_NATIVE_SIGNER)) {
                    throw new IllegalStateException(SIGV4A_NEEDS_CRT);
                }
                HttpSigner<AwsCredentialsIdentity> v4a;
                try {
                    // Fails when the http-auth-aws-crt jar (a marker class the SDK checks) is missing.
                    v4a = AwsV4aHttpSigner.create();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException(SIGV4A_NEEDS_CRT, e);
                }
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, v4a);
            default:
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, null);
        }
    }

    /**
     * Returns the signing mode.
     *
     * @return the mode
     */
    public SigningMode mode() {
        return mode;
    }

    /**
     * Signs a request. Adds {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} first so it is among the signed headers.
     * With {@link SigningMode#NONE} returns the request unchanged.
     *
     * @param request the request to sign, with every header that will be sent except {@code X-Amzn-Trace-Id}
     * @param payload the body, or {@code null}
     * @param credentials the credentials to sign with; required unless the mode is NONE
     * @return the signed request
     * @throws IllegalArgumentException if signing is on and the request is not https (the SDK would silently sign
     *     the payload over http, which Lattice rejects)
     */
    public SdkHttpRequest sign(
            SdkHttpRequest request, ContentStreamProvider payload, AwsCredentialsIdentity credentials) {
        if (signer == null) {
            return request;
        }
        if (!LatticeSigV4.schemeAllowed(request.protocol(), true)) {
            throw new IllegalArgumentException(LatticeSigV4.httpsRequiredMessage("A " + mode + "-signed request to "
                    + request.protocol() + "://" + request.host() + request.encodedPath()));
        }
        Objects.requireNonNull(credentials, "credentials");
        SdkHttpRequest withHash =
                request.firstMatchingHeader(LatticeSigV4.CONTENT_SHA256_HEADER).isPresent()
                        ? request
                        : request.toBuilder()
                                .putHeader(LatticeSigV4.CONTENT_SHA256_HEADER, LatticeSigV4.UNSIGNED_PAYLOAD)
                                .build();
        SignRequest.Builder<AwsCredentialsIdentity> sign = SignRequest.builder(credentials)
                .request(withHash)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, LatticeSigV4.SIGNING_NAME)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, doubleUrlEncode);
        if (payload != null) {
            sign.payload(payload);
        }
        if (mode == SigningMode.SIGV4A) {
            sign.putProperty(AwsV4aHttpSigner.REGION_SET, RegionSet.GLOBAL);
        } else {
            sign.putProperty(AwsV4HttpSigner.REGION_NAME, region);
        }
        if (clock != null) {
            sign.putProperty(HttpSigner.SIGNING_CLOCK, clock);
        }
        return signer.sign(sign.build()).request();
    }
}
