package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.util.Locale;
import java.util.Set;

/**
 * Which request headers a Lattice signature may cover. A signed header must reach Lattice with the value it was
 * signed with, so the signature leaves out the headers that an HTTP client, a proxy or a tracer may add, change or
 * drop after signing: hop-by-hop headers (RFC 9110 section 7.6.1, plus {@code keep-alive}, {@code proxy-*} and
 * {@code expect}), any header that {@code Connection} names, trace-context headers, the signature's own output, and
 * {@code Content-Length}: the message framing is the HTTP client's to choose (a length, chunks, or none for an empty
 * GET), and with {@code UNSIGNED-PAYLOAD} a signed length would protect no byte of the body.
 */
@LatticeInternalApi
public final class SignedHeaderRules {
    /** Hop-by-hop headers, and the framing header the HTTP client decides. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "expect",
            "content-length",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization");

    /** Propagation headers of W3C Trace Context and Baggage, X-Ray, B3, Jaeger, Google Cloud and Sentry. */
    private static final Set<String> TRACE = Set.of(
            "traceparent",
            "tracestate",
            "baggage",
            "x-amzn-trace-id",
            "b3",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-parentspanid",
            "x-b3-sampled",
            "x-b3-flags",
            "uber-trace-id",
            "x-cloud-trace-context",
            "grpc-trace-bin",
            "sentry-trace");

    /** What the signer writes; a value left over from an earlier attempt must not be signed again. */
    private static final Set<String> SIGNATURE =
            Set.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "x-amz-region-set");

    private SignedHeaderRules() {}

    /**
     * Tells whether a header may be signed.
     *
     * @param name the header name, any case
     * @param connectionTokens the lower-case names listed in the request's {@code Connection} header
     * @return false for hop-by-hop, trace and signature headers
     */
    public static boolean signable(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower)
                && !lower.startsWith("proxy-")
                && !TRACE.contains(lower)
                && !lower.startsWith("uberctx-")
                && !SIGNATURE.contains(lower)
                && !connectionTokens.contains(lower);
    }

    /**
     * Tells whether a header is one the signer writes.
     *
     * @param name the header name, any case
     * @return true for {@code Authorization}, {@code X-Amz-Date}, {@code X-Amz-Security-Token},
     *     {@code x-amz-content-sha256} and {@code X-Amz-Region-Set}
     */
    public static boolean isSignatureHeader(String name) {
        return SIGNATURE.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Tells whether a header carries trace context.
     *
     * @param name the header name, any case
     * @return true for the propagation headers this class knows
     */
    public static boolean isTraceHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return TRACE.contains(lower) || lower.startsWith("uberctx-");
    }
}
