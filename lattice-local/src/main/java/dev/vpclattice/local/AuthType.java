package dev.vpclattice.local;

/**
 * The auth type of the emulated VPC Lattice service, as set on a real service's access settings.
 */
public enum AuthType {
    /**
     * No auth policy: an unsigned request reaches the target. A request signed with SigV4 is still verified, as
     * Lattice does, and refused with {@code 403} when its signature is bad; a valid one reports its principal.
     */
    NONE,
    /**
     * Requests must carry a valid SigV4 signature for {@code vpc-lattice-svcs} by a known credential, and the signing
     * principal must be allowed by the auth policy (the builder's {@code allow} list). This is the default.
     */
    AWS_IAM
}
