package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.contract.LatticeSigV4;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * included by the signer. The one signing path of the library: {@code LatticeClient}, {@code LatticeAsyncClient} and
 * every {@code LatticeRequestSigner} (the HTTP client adapters) go through {@link #sign}. Thread-safe.
 *
 * <p>Headers that {@link SignedHeaderRules} keeps out of a signature (hop-by-hop, trace context, an earlier
 * signature) are taken off before signing and put back afterwards, so the signature never covers them.
 *
 * <p>With plain-HTTP signing on, an {@code http} request is signed in its {@code https} form: the canonical request
 * has no scheme, so the signature is the one the same request over https would carry, and the SDK signer, which signs
 * the payload of any {@code http} request that has one, produces {@code UNSIGNED-PAYLOAD} as Lattice requires.
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
    private final boolean signPlainHttp;
    private final HttpSigner<AwsCredentialsIdentity> signer;

    private LatticeSigner(
            SigningMode mode,
            String region,
            Clock clock,
            boolean doubleUrlEncode,
            boolean signPlainHttp,
            HttpSigner<AwsCredentialsIdentity> signer) {
        this.mode = mode;
        this.region = region;
        this.clock = clock;
        this.doubleUrlEncode = doubleUrlEncode;
        this.signPlainHttp = signPlainHttp;
        this.signer = signer;
    }

    /**
     * Creates a signer for https only, checking the class path for SigV4A.
     *
     * @param mode the signing mode, required
     * @param region the signing region; required for {@link SigningMode#SIGV4}, ignored otherwise
     * @param clock the signing clock, or {@code null} for the system clock
     * @return the signer
     * @throws IllegalStateException if SigV4A is asked for without the CRT signer on the class path
     */
    public static LatticeSigner create(SigningMode mode, String region, Clock clock) {
        return create(mode, region, clock, true, false);
    }

    /**
     * Creates a signer for https only, checking the class path for SigV4A.
     *
     * @param mode the signing mode, required
     * @param region the signing region; required for {@link SigningMode#SIGV4}, ignored otherwise
     * @param clock the signing clock, or {@code null} for the system clock
     * @param doubleUrlEncode whether the canonical path encodes the already-encoded path again (the SDK's
     *     {@code DOUBLE_URL_ENCODE})
     * @return the signer
     * @throws IllegalStateException if SigV4A is asked for without the CRT on the class path
     */
    public static LatticeSigner create(SigningMode mode, String region, Clock clock, boolean doubleUrlEncode) {
        return create(mode, region, clock, doubleUrlEncode, false);
    }

    /**
     * Creates a signer, checking the class path for SigV4A.
     *
     * @param mode the signing mode, required
     * @param region the signing region; required for {@link SigningMode#SIGV4}, ignored otherwise
     * @param clock the signing clock, or {@code null} for the system clock
     * @param doubleUrlEncode whether the canonical path encodes the already-encoded path again
     * @param signPlainHttp whether {@code http} requests are signed (in their https form) rather than refused
     * @return the signer
     * @throws IllegalStateException if SigV4A is asked for without the CRT on the class path
     */
    public static LatticeSigner create(
            SigningMode mode, String region, Clock clock, boolean doubleUrlEncode, boolean signPlainHttp) {
        return create(mode, region, clock, doubleUrlEncode, signPlainHttp, OptionalDependencies.CLASSPATH);
    }

    static LatticeSigner create(SigningMode mode, String region, Clock clock, Predicate<String> classPresent) {
        return create(mode, region, clock, true, false, classPresent);
    }

    static LatticeSigner create(
            SigningMode mode,
            String region,
            Clock clock,
            boolean doubleUrlEncode,
            boolean signPlainHttp,
            Predicate<String> classPresent) {
        Objects.requireNonNull(mode, "signingMode");
        switch (mode) {
            case SIGV4:
                if (region == null || region.isBlank()) {
                    throw new IllegalStateException(
                            "SigV4 signing needs a region: set LatticeClient.builder().region(...)" + " or AWS_REGION");
                }
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, signPlainHttp, AwsV4HttpSigner.create());
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
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, signPlainHttp, v4a);
            default:
                return new LatticeSigner(mode, region, clock, doubleUrlEncode, signPlainHttp, null);
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
     * Returns the signing region.
     *
     * @return the region, or {@code null} when the mode needs none
     */
    public String region() {
        return region;
    }

    /**
     * Tells whether a request with this scheme may be sent by this signer's client.
     *
     * @param scheme the URL scheme, any case; may be null
     * @return true when nothing is signed, for https, and for http when plain-HTTP signing is on
     */
    public boolean schemeAllowed(String scheme) {
        return signer == null
                || LatticeSigV4.schemeAllowed(scheme, true)
                || (signPlainHttp && "http".equalsIgnoreCase(scheme));
    }

    /**
     * The message for a signed request this signer refuses because of its scheme.
     *
     * @param subject what is refused, without a query, e.g. {@code "A SIGV4-signed request to http://host/path"}
     * @return the message, naming the rule and the ways out, plain-HTTP signing among them
     */
    public static String schemeRefusedMessage(String subject) {
        String rule = LatticeSigV4.httpsRequiredMessage(subject);
        return rule.substring(0, rule.length() - 1)
                + ", or turn on signPlainHttp(true) for a plain-HTTP listener, accepting that a signature sent in"
                + " clear text can be replayed for 5 minutes)";
    }

    /**
     * Signs a request. Sends and signs {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}; leaves the headers that
     * {@link SignedHeaderRules} excludes out of the signature (they stay on the returned request). With
     * {@link SigningMode#NONE} returns the request unchanged.
     *
     * @param request the request to sign, with every header that will be sent
     * @param payload the body, or {@code null}; never read, since the payload is not signed
     * @param credentials the credentials to sign with; required unless the mode is NONE
     * @return the signed request, with its own scheme and port
     * @throws IllegalArgumentException if the scheme is refused (see {@link #schemeAllowed(String)})
     */
    public SdkHttpRequest sign(
            SdkHttpRequest request, ContentStreamProvider payload, AwsCredentialsIdentity credentials) {
        if (signer == null) {
            return request;
        }
        boolean plainHttp = "http".equalsIgnoreCase(request.protocol());
        if (!schemeAllowed(request.protocol())) {
            throw new IllegalArgumentException(schemeRefusedMessage("A " + mode + "-signed request to "
                    + request.protocol() + "://" + request.host() + request.encodedPath()));
        }
        Objects.requireNonNull(credentials, "credentials");
        Set<String> connectionTokens = connectionTokens(request);
        SdkHttpRequest.Builder signable = request.toBuilder().clearHeaders();
        boolean excluded = false;
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (SignedHeaderRules.signable(header.getKey(), connectionTokens)) {
                signable.putHeader(header.getKey(), header.getValue());
            } else {
                excluded = true;
            }
        }
        signable.putHeader(LatticeSigV4.CONTENT_SHA256_HEADER, LatticeSigV4.UNSIGNED_PAYLOAD);
        if (plainHttp) {
            // The https form of the same request, with the Host an http client sends (the port unless it is 80): the
            // canonical request has no scheme, but the signer would derive Host with https' default port, 443.
            if (!request.firstMatchingHeader("Host").isPresent()) {
                int port = request.port();
                signable.putHeader("Host", port == 80 ? request.host() : request.host() + ":" + port);
            }
            signable.protocol("https");
        }
        SignRequest.Builder<AwsCredentialsIdentity> sign = SignRequest.builder(credentials)
                .request(signable.build())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, LatticeSigV4.SIGNING_NAME)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, doubleUrlEncode);
        if (payload != null && !plainHttp) {
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
        SdkHttpRequest signed = signer.sign(sign.build()).request();
        if (!plainHttp && !excluded) {
            return signed;
        }
        SdkHttpRequest.Builder result = signed.toBuilder();
        if (plainHttp) {
            result.protocol(request.protocol()).port(request.port());
        }
        if (excluded) {
            for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
                String name = header.getKey();
                if (!SignedHeaderRules.signable(name, connectionTokens)
                        && !signed.firstMatchingHeader(name).isPresent()) {
                    result.putHeader(name, header.getValue());
                }
            }
        }
        return result.build();
    }

    private static Set<String> connectionTokens(SdkHttpRequest request) {
        Set<String> tokens = null;
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("connection")) {
                continue;
            }
            for (String value : header.getValue()) {
                for (String token : value.split(",")) {
                    String name = token.strip().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty()) {
                        if (tokens == null) {
                            tokens = new HashSet<>();
                        }
                        tokens.add(name);
                    }
                }
            }
        }
        return tokens == null ? Set.of() : tokens;
    }
}
