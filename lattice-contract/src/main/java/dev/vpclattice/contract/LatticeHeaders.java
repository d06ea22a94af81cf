package dev.vpclattice.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The names of the headers VPC Lattice adds to a request or an answer, lower case as sent, the keys of its caller
 * identity headers, and their {@code key=value;...} format.
 */
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

    /** The listener's port, added for HTTP targets (the User Guide's current name; older versions said {@code x-forwarded-for-port}). */
    public static final String FORWARDED_PORT = "x-forwarded-port";

    /** The listener's protocol, {@code http} or {@code https}, added for HTTP targets (older versions: {@code x-forwarded-for-proto}). */
    public static final String FORWARDED_PROTO = "x-forwarded-proto";

    /** The key of the authenticated principal's ARN in {@value #IDENTITY}. */
    public static final String KEY_PRINCIPAL = "Principal";

    /** The key of the principal's AWS Organizations ID in {@value #IDENTITY}. */
    public static final String KEY_PRINCIPAL_ORG_ID = "PrincipalOrgID";

    /** The key of the principal's organization paths in {@value #IDENTITY}. */
    public static final String KEY_PRINCIPAL_ORG_PATH = "PrincipalOrgPath";

    /** The key of the role session name in {@value #IDENTITY}. */
    public static final String KEY_SESSION_NAME = "SessionName";

    /** The key of the Roles Anywhere certificate's issuer OU in {@value #IDENTITY}. */
    public static final String KEY_X509_ISSUER_OU = "X509Issuer/OU";

    /** The key of the Roles Anywhere certificate's DNS subject alternative name in {@value #IDENTITY}. */
    public static final String KEY_X509_SAN_DNS = "X509SAN/DNS";

    /** The key of the Roles Anywhere certificate's name CN subject alternative name in {@value #IDENTITY}. */
    public static final String KEY_X509_SAN_NAME_CN = "X509SAN/NameCN";

    /** The key of the Roles Anywhere certificate's URI subject alternative name in {@value #IDENTITY}. */
    public static final String KEY_X509_SAN_URI = "X509SAN/URI";

    /** The key of the Roles Anywhere certificate's subject CN in {@value #IDENTITY}. */
    public static final String KEY_X509_SUBJECT_CN = "X509Subject/CN";

    /** The key of the source VPC's ARN in {@value #NETWORK}. */
    public static final String KEY_SOURCE_VPC_ARN = "SourceVpcArn";

    /** The key of the service's ARN in {@value #TARGET}. */
    public static final String KEY_SERVICE_ARN = "ServiceArn";

    /** The key of the service network's ARN in {@value #TARGET}. */
    public static final String KEY_SERVICE_NETWORK_ARN = "ServiceNetworkArn";

    /** The key of the target group's ARN in {@value #TARGET}. */
    public static final String KEY_TARGET_GROUP_ARN = "TargetGroupArn";

    /** The key of the principal's ARN in {@value #IDENTITY_TAGS}, lower case as that header spells it. */
    public static final String TAGS_KEY_PRINCIPAL = "principal";

    /** The key of the principal's organization ID in {@value #IDENTITY_TAGS}. */
    public static final String TAGS_KEY_PRINCIPAL_ORG_ID = "principalorgid";

    /** The key of the principal's organization paths in {@value #IDENTITY_TAGS}. */
    public static final String TAGS_KEY_PRINCIPAL_ORG_PATH = "principalorgpath";

    private LatticeHeaders() {}

    /**
     * Reads a caller identity header's {@code key=value;key=value;} map, leniently: any key order, unknown keys,
     * empty values, an optional trailing {@code ;}, {@code \;} in a value as a semicolon, and keys such as
     * {@code X509SAN/DNS}. A piece without {@code =} or with an empty key is skipped; a repeated key keeps its
     * first value. Surrounding whitespace is removed from keys, not from values.
     *
     * @param header the header's value; null or empty gives an empty map
     * @return an unmodifiable map of key to value, in the order received; never null, never throws
     */
    public static Map<String, String> parseMap(String header) {
        if (header == null || header.isEmpty()) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        StringBuilder piece = new StringBuilder();
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\' && i + 1 < header.length() && header.charAt(i + 1) == ';') {
                piece.append(';');
                i++;
            } else if (c == ';') {
                addPiece(map, piece);
                piece.setLength(0);
            } else {
                piece.append(c);
            }
        }
        addPiece(map, piece);
        return Collections.unmodifiableMap(map);
    }

    private static void addPiece(Map<String, String> map, StringBuilder piece) {
        // An escaped ';' was already turned into ';' in the piece, so '=' is searched in the unescaped text: a key
        // never holds ';' or '=', and the value is everything after the first '='.
        int eq = piece.indexOf("=");
        if (eq < 0) {
            return;
        }
        String key = piece.substring(0, eq).strip();
        if (!key.isEmpty()) {
            map.putIfAbsent(key, piece.substring(eq + 1));
        }
    }

    /**
     * Writes a map in the caller identity headers' format, {@code key=value;key=value;}, with each {@code ;} in a
     * value escaped as {@code \;}; {@link #parseMap} reads it back.
     *
     * @param map the keys and values, in the order to write; no key may be empty or hold {@code ;} or {@code =}
     * @return the header value, ending in {@code ;} as the User Guide's format does
     * @throws IllegalArgumentException if a key is empty or holds {@code ;} or {@code =}
     */
    public static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        map.forEach((key, value) -> {
            Objects.requireNonNull(key, "key");
            if (key.isBlank() || key.indexOf(';') >= 0 || key.indexOf('=') >= 0) {
                throw new IllegalArgumentException(
                        "A caller identity header key must be non-empty and hold neither ';' nor '=', got '" + key
                                + "'");
            }
            out.append(key).append('=');
            out.append(value == null ? "" : value.replace(";", "\\;"));
            out.append(';');
        });
        return out.toString();
    }

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
