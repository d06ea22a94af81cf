package dev.vpclattice.contract;

import java.time.Duration;

/** What a SigV4 or SigV4A signature for VPC Lattice must carry, and when a signed request may use plain http. */
public final class LatticeSigV4 {
    /** The SigV4 signing name (service) of VPC Lattice services: {@code vpc-lattice-svcs}. */
    public static final String SIGNING_NAME = "vpc-lattice-svcs";

    /** The header that carries the payload hash, lower case as signed: {@code x-amz-content-sha256}. */
    public static final String CONTENT_SHA256_HEADER = "x-amz-content-sha256";

    /** The only payload hash Lattice accepts: {@code UNSIGNED-PAYLOAD}; the header must also be signed. */
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    /** How far a request's {@code x-amz-date} may be from the verifier's clock: 5 minutes either way. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** Why a signed request must use https, as one sentence for every message that enforces it. */
    public static final String HTTPS_REQUIRED_REASON = "VPC Lattice does not support payload signing, and over plain "
            + "http the AWS SDK signer signs the payload anyway";

    private LatticeSigV4() {}

    /**
     * Tells whether a request may be sent with this scheme.
     *
     * @param scheme the URL scheme, any case; may be null
     * @param signed whether the request is signed (SigV4 or SigV4A)
     * @return true for an unsigned request, or a signed one over https
     */
    public static boolean schemeAllowed(String scheme, boolean signed) {
        return !signed || "https".equalsIgnoreCase(scheme);
    }

    /**
     * The message for a signed request over plain http, in one wording for every module.
     *
     * @param subject what is refused, without a query (it may carry a token), e.g. {@code "A SIGV4-signed request to
     *     http://example.com/orders"}; required
     * @return {@code subject} followed by the rule, its reason and the two ways out
     */
    public static String httpsRequiredMessage(String subject) {
        return subject + " must use https: " + HTTPS_REQUIRED_REASON
                + " (use https, or no signing for a service whose auth type is NONE)";
    }
}
