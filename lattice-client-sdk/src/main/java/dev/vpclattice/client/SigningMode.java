package dev.vpclattice.client;

/**
 * How {@link LatticeClient} authenticates its requests to a VPC Lattice service.
 */
public enum SigningMode {
    /**
     * AWS Signature Version 4 for service {@code vpc-lattice-svcs} in the client's region, with
     * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}. Requires {@code https}. The default.
     */
    SIGV4,
    /**
     * AWS Signature Version 4A with region set {@code *}. Requires {@code https} and
     * {@code software.amazon.awssdk:http-auth-aws-crt} on the classpath; without it
     * {@link LatticeClient.Builder#build()} fails with an {@link IllegalStateException}.
     */
    SIGV4A,
    /** No signing: for services whose auth type is {@code NONE}. Plain {@code http} is allowed. */
    NONE
}
