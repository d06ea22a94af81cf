package dev.vpclattice.contract;

/** The 6 MB limit on a Lambda target's event and on its response JSON. */
public final class PayloadLimits {
    /** 6 MB, 6,291,456 bytes: the most Lambda takes as one synchronous invocation's event, and returns as its response. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    private PayloadLimits() {}

    /**
     * Tells whether a payload fits.
     *
     * @param bytes the exact size of the event JSON or response JSON in bytes
     * @return true when {@code bytes} is at most {@link #MAX_PAYLOAD_BYTES}
     */
    public static boolean fits(long bytes) {
        return bytes <= MAX_PAYLOAD_BYTES;
    }

    /**
     * The message for a payload over the limit, in one wording for every module.
     *
     * @param what what is too large, e.g. {@code "The event for this request"}; required
     * @param bytes its size in bytes
     * @return e.g. {@code "The event for this request would be 7000000 bytes; Lambda and VPC Lattice limit a request
     *     and a response to 6291456 bytes (6 MB) each"}
     */
    public static String overLimitMessage(String what, long bytes) {
        return what + " would be " + bytes + " bytes; Lambda and VPC Lattice limit a request and a response to "
                + MAX_PAYLOAD_BYTES + " bytes (6 MB) each";
    }
}
