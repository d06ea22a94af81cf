package dev.vpclattice.contract;

/** The names of the headers VPC Lattice adds to a request or an answer, lower case as sent. */
public final class LatticeHeaders {
    /** The prefix of the headers Lattice adds for targets; Lattice strips any a client sends. */
    public static final String PREFIX = "x-amzn-lattice-";

    /** The caller's identity, as {@code Principal=...;SessionName=...;...}. */
    public static final String IDENTITY = "x-amzn-lattice-identity";

    /** The caller's principal tags, as {@code key=value;...} with {@code ;} in a value escaped by a backslash. */
    public static final String IDENTITY_TAGS = "x-amzn-lattice-identity-tags";

    /** The network the request came from, as {@code SourceVpcArn=...}. */
    public static final String NETWORK = "x-amzn-lattice-network";

    /** What the request was routed to, as {@code ServiceArn=...;ServiceNetworkArn=...;TargetGroupArn=...}. */
    public static final String TARGET = "x-amzn-lattice-target";

    /** The ID Lattice gives each request, sent to the target and returned to the client. */
    public static final String REQUEST_ID = "x-amzn-requestid";

    /** The client's address, added for every target. */
    public static final String FORWARDED_FOR = "x-forwarded-for";

    private LatticeHeaders() {}

    /**
     * Tells whether a header is one that only Lattice may set.
     *
     * @param name a header name, any case; may be null
     * @return true when it starts with {@value #PREFIX}
     */
    public static boolean isLatticeHeader(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
