package dev.vpclattice.local.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits a raw query string into decoded, multi-value parameters. */
public final class QueryStrings {
    private QueryStrings() {
    }

    /**
     * Parses {@code a=1&b=2&a=3} into {@code {a=[1, 3], b=[2]}}, percent-decoding names and values. A {@code +} stays a
     * plus sign (SigV4 clients percent-encode spaces as {@code %20}); a parameter without {@code =} has the value "".
     *
     * @param rawQuery the query as sent, without {@code ?}; null or empty gives an empty map
     * @return the parameters in the order received
     * @throws IllegalArgumentException if a percent escape is malformed, naming the query
     */
    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), rawQuery);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), rawQuery);
            parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String part, String rawQuery) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent escape in query '" + rawQuery + "'", e);
        }
    }
}
