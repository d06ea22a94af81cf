package dev.vpclattice.contract;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a raw query becomes parameters: split on {@code &} and the first {@code =}, percent-decoded, {@code +} kept as a plus. */
public final class QueryStrings {
    private QueryStrings() {}

    /**
     * Parses a raw query leniently: a name or value whose percent escape is malformed ({@code %zz}, a trailing
     * {@code %}) is kept exactly as sent rather than failing the whole query, so nothing the client sent is lost.
     * Use this for what arrived on the wire (an event, a request lattice-local received).
     *
     * @param rawQuery the query as sent, without the {@code ?}; null or empty gives an empty map
     * @return an unmodifiable map of name to unmodifiable values, in the order received
     */
    public static Map<String, List<String>> parse(String rawQuery) {
        return parse(rawQuery, false);
    }

    /**
     * Parses a raw query strictly: a malformed percent escape is an error. Use this for input a caller can fix (a
     * URL given to the library).
     *
     * @param rawQuery the query as sent, without the {@code ?}; null or empty gives an empty map
     * @return an unmodifiable map of name to unmodifiable values, in the order received
     * @throws IllegalArgumentException if a name or value has a malformed percent escape; the message names the
     *     parameter's position, not its text (a query may carry a token)
     */
    public static Map<String, List<String>> parseStrict(String rawQuery) {
        return parse(rawQuery, true);
    }

    /**
     * Returns the path without its query, whether or not the path carries one: {@code /orders?id=1} and
     * {@code /orders} both give {@code /orders}.
     *
     * @param pathAndQuery a request target such as an event's {@code path}; may be null
     * @return everything before the first {@code ?}; null when {@code pathAndQuery} is null
     */
    public static String withoutQuery(String pathAndQuery) {
        if (pathAndQuery == null) {
            return null;
        }
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /**
     * Returns the raw query of a request target.
     *
     * @param pathAndQuery a request target such as an event's {@code path}; may be null
     * @return everything after the first {@code ?} (empty when nothing follows it), or null when there is no
     *     {@code ?}
     */
    public static String queryOf(String pathAndQuery) {
        int q = pathAndQuery == null ? -1 : pathAndQuery.indexOf('?');
        return q < 0 ? null : pathAndQuery.substring(q + 1);
    }

    private static Map<String, List<String>> parse(String rawQuery, boolean strict) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        int position = 0;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            position++;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), strict, position, "name");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), strict, position, "value");
            parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        parameters.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(parameters);
    }

    private static String decode(String part, boolean strict, int position, String what) {
        if (part.indexOf('%') < 0) {
            return part; // nothing to decode, and '+' stays '+'
        }
        try {
            // URLDecoder is the form decoder ('+' is a space); escaping '+' first leaves plain percent-decoding.
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            if (strict) {
                // No cause: URLDecoder's message quotes the text, and a query may carry a token.
                throw new IllegalArgumentException("Malformed percent escape in the " + what + " of query parameter "
                        + position + " (use %XY with two hex digits, and %25 for a literal %)");
            }
            return part;
        }
    }
}
