package dev.vpclattice.local;

/**
 * How the request path enters the SigV4 canonical request that a {@link LocalLattice} recomputes. A server verifies
 * exactly one form: accepting both would make one signature valid for two different paths (a signature for
 * {@code /files/a%20b} in the double-encoded form is also the single-encoded signature of {@code /files/a%2520b}).
 *
 * <p>The forms differ only for paths with percent-escapes, dot segments or empty segments. See the module README for
 * which AWS signers produce which form.
 */
public enum CanonicalPathForm {
    /**
     * The AWS SDK's default and the default here: the path is normalized ({@code .}, {@code ..} and empty segments
     * removed) and percent-encoded a second time, as {@code AwsV4HttpSigner}, botocore's {@code SigV4Auth} and
     * {@code CrtSigV4Auth} (the VPC Lattice User Guide's Python example) sign it. The target receives the normalized
     * path, the one that was verified.
     */
    DOUBLE_ENCODED,

    /**
     * The path exactly as sent, neither normalized nor encoded again, as signers for S3 do: the AWS SDK for Go with
     * {@code DisableURIPathEscaping} (the User Guide's Go example), botocore's {@code S3SigV4Auth} and
     * {@code CrtS3SigV4Auth}, and {@code AwsV4HttpSigner} with {@code DOUBLE_URL_ENCODE} and {@code NORMALIZE_PATH}
     * off. The target receives the path as sent, the one that was verified.
     */
    SINGLE_ENCODED
}
