package dev.vpclattice.events.rules;

/**
 * The size limit that the whole path from client to Lambda target and back shares: 6 MB for the invocation's
 * request (the event JSON, including the base64 inflation of a binary body) and 6 MB for its response JSON.
 *
 * <p>Sources: the Lambda quotas page lists "Invocation payload (request and response)" as 6 MB each for synchronous
 * invocation, and says "The Lambda documentation, log messages, and console use the abbreviation MB (rather than
 * MiB) to refer to 1,024 KB", so 6 MB is 6 x 1,024 x 1,024 = 6,291,456 bytes
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). The VPC Lattice User Guide ("Lambda
 * functions as targets") limits the request body and the response JSON to 6 MB each as well. Lambda's own refusal
 * reads "Request must be smaller than 6291456 bytes for the InvokeFunction operation" (quoted by third parties;
 * unverified here).
 */
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
