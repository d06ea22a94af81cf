package dev.vpclattice.events.rules;

/**
 * What a SigV4 (or SigV4A) signature for VPC Lattice must carry, and why a signed request must use https.
 *
 * <p>From the VPC Lattice User Guide, "SIGv4 authenticated requests for Amazon VPC Lattice"
 * (https://docs.aws.amazon.com/vpc-lattice/latest/ug/sigv4-authenticated-requests.html): services sign as
 * {@code vpc-lattice-svcs}; "VPC Lattice does not support payload signing. You must send an x-amz-content-sha256
 * header with the value set to UNSIGNED-PAYLOAD". The AWS SDK for Java v2 signs the payload of a plain-http
 * request whatever {@code PAYLOAD_SIGNING_ENABLED} says ({@code ChecksumUtil.isPayloadSigning} in http-auth-aws:
 * "Payload signing was disabled for an HTTP request with a payload. Signing will be enabled. Use HTTPS for unsigned
 * payloads."), so a signed request to Lattice must use https.
 */
public final class LatticeSigV4 {
    /** The SigV4 signing name (service) of VPC Lattice services: {@code vpc-lattice-svcs}. */
    public static final String SIGNING_NAME = "vpc-lattice-svcs";

    /** The header that carries the payload hash, lower case as signed: {@code x-amz-content-sha256}. */
    public static final String CONTENT_SHA256_HEADER = "x-amz-content-sha256";

    /** The only payload hash Lattice accepts: {@code UNSIGNED-PAYLOAD}; the header must also be signed. */
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

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
