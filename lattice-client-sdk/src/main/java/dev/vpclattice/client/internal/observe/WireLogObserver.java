package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.call.Call;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Logs each attempt of a call at DEBUG, redacted: the request line without the query (the number of query parameters
 * instead), the headers as sent with the values of credentials and cookies replaced by {@value #REDACTED}, the
 * status, the response headers (redacted the same way), and the durations. Never a body. Used only while the logger
 * {@value CompositeObserver#WIRE_LOGGER} is enabled for DEBUG, checked at the start of each call.
 *
 * <p>The query is left out, not redacted parameter by parameter: it is where callers put tokens and pre-signed
 * parameters, the library cannot tell which parameter is secret, and exception messages and traces leave it out by
 * the same rule.
 */
final class WireLogObserver implements CallObserver.Observation {
    /** What replaces a secret header's value. */
    static final String REDACTED = "REDACTED";

    private final Logger log;
    private final Set<String> redacted;

    /**
     * @param log the wire logger
     * @param redacted the lower-case names of the headers whose values are replaced
     */
    WireLogObserver(Logger log, Set<String> redacted) {
        this.log = log;
        this.redacted = redacted;
    }

    @Override
    public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
        log.debug(
                "--> {} attempt {}: headers {}",
                requestLine(call.request()),
                call.attempts(),
                headers(signed.headers()));
        return signed;
    }

    @Override
    public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {
        log.debug(
                "<-- {} {} attempt {}: {} (call {}), {}-byte body, headers {}",
                response.statusCode(),
                requestLine(call.request()),
                call.attempts(),
                millis(durationNanos),
                millis(System.nanoTime() - call.startNanos()),
                response.bodyLength(),
                headers(response.headers()));
    }

    @Override
    public void attemptFailed(Call call, Throwable failure, long durationNanos) {
        log.debug(
                "<-- FAILED {} attempt {}: after {} (call {}): {}",
                requestLine(call.request()),
                call.attempts(),
                millis(durationNanos),
                millis(System.nanoTime() - call.startNanos()),
                failure.toString());
    }

    @Override
    public void ended(Call call, LatticeResponse response, Throwable failure) {
        log.debug(
                "=== {} ended after {} attempt(s) in {}: {}",
                requestLine(call.request()),
                call.attempts(),
                millis(System.nanoTime() - call.startNanos()),
                response != null
                        ? "returned " + response.statusCode()
                        : failure != null ? "threw " + failure.getClass().getName() : "no result");
    }

    private static String requestLine(LatticeRequest request) {
        int parameters = request.queryParameters().size();
        return parameters == 0
                ? request.toString()
                : request + " (query not logged: " + parameters + (parameters == 1 ? " parameter)" : " parameters)");
    }

    private String headers(Map<String, List<String>> headers) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (out.length() > 1) {
                out.append("; ");
            }
            out.append(header.getKey()).append('=');
            if (redacted.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.append(REDACTED);
            } else {
                out.append(String.join(",", header.getValue()));
            }
        }
        return out.append('}').toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
