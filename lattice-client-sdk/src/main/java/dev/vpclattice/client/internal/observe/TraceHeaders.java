package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Adds trace-context headers to a request after it was signed, never over a header that the signature covers: the
 * one place that keeps a trace header from breaking a signature, for every tracer. A header the signer skips (such
 * as {@code X-Amzn-Trace-Id}) or that was not there is added or replaced; one named in the {@code SignedHeaders} of
 * the {@code Authorization} header is left as it was signed, and the trace header is dropped.
 */
@LatticeInternalApi
public final class TraceHeaders {
    private static final Logger LOG = LoggerFactory.getLogger(TraceHeaders.class);
    private static final String SIGNED_HEADERS = "SignedHeaders=";

    private TraceHeaders() {}

    /**
     * Returns the request with the headers added.
     *
     * @param signed the signed (or, for {@code SigningMode.NONE}, unsigned) request
     * @param headers names and values to add, in order
     * @return {@code signed} when nothing was added, else a copy with the headers
     */
    public static SdkHttpRequest addUnsigned(SdkHttpRequest signed, Map<String, String> headers) {
        if (headers.isEmpty()) {
            return signed;
        }
        Set<String> covered = signedHeaderNames(signed);
        SdkHttpRequest.Builder result = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (covered.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                LOG.debug(
                        "Not adding the trace header {} to {} {}: the signature covers a header of that name",
                        header.getKey(),
                        signed.method(),
                        signed.host());
                continue;
            }
            if (result == null) {
                result = signed.toBuilder();
            }
            result.putHeader(header.getKey(), header.getValue());
        }
        return result == null ? signed : result.build();
    }

    /** The lower-case names in the {@code SignedHeaders=} part of the {@code Authorization} header, if any. */
    static Set<String> signedHeaderNames(SdkHttpRequest request) {
        Optional<String> authorization = request.firstMatchingHeader("Authorization");
        Set<String> names = new HashSet<>();
        if (authorization.isEmpty()) {
            return names;
        }
        String value = authorization.get();
        int start = value.indexOf(SIGNED_HEADERS);
        if (start < 0) {
            return names;
        }
        start += SIGNED_HEADERS.length();
        int end = value.indexOf(',', start);
        for (String name :
                value.substring(start, end < 0 ? value.length() : end).split(";")) {
            names.add(name.strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
