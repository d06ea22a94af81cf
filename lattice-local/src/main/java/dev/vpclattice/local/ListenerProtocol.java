package dev.vpclattice.local;

/**
 * The protocol of the emulated service's listener, as on a real Lattice listener. Both verify SigV4 alike: the
 * canonical request names no scheme.
 */
public enum ListenerProtocol {
    /** HTTPS/1.1 with a self-signed certificate for the loopback names; the default. */
    HTTPS,
    /** Plain HTTP/1.1, with no certificate. Lattice's HTTP listeners accept {@code AWS_IAM} auth too. */
    HTTP;

    /**
     * The URI scheme clients use.
     *
     * @return {@code https} or {@code http}
     */
    public String scheme() {
        return this == HTTPS ? "https" : "http";
    }

    /**
     * The port a {@code Host} header may leave out.
     *
     * @return 443 or 80
     */
    public int defaultPort() {
        return this == HTTPS ? 443 : 80;
    }
}
