package dev.vpclattice.local;

/**
 * The auth type of the emulated VPC Lattice service, as set on a real service's access settings.
 */
public enum AuthType {
    /** Every request reaches the target unauthenticated; signatures are not checked. */
    NONE,
    /**
     * Requests must carry a valid SigV4 signature for {@code vpc-lattice-svcs} by a known credential, and the signing
     * principal must be allowed by the auth policy (the builder's {@code allow} list). This is the default.
     */
    AWS_IAM
}
