package dev.vpclattice.local.internal;

import dev.vpclattice.contract.LatticeHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the local Lattice reports about an authenticated caller besides its principal: the organization and, per
 * principal, principal tags and IAM Roles Anywhere certificate fields. Immutable.
 *
 * @param principalOrgId the organization ID reported for every authenticated caller, or null
 * @param principalOrgPath the organization path reported for every authenticated caller, or null
 * @param tagsByPrincipal principal ARN to its tags, in order
 * @param x509ByPrincipal principal ARN to its certificate fields, keyed by the {@code x-amzn-lattice-identity} keys
 *     ({@link LatticeHeaders#KEY_X509_SUBJECT_CN} ...)
 */
public record CallerDetails(
        String principalOrgId,
        String principalOrgPath,
        Map<String, Map<String, String>> tagsByPrincipal,
        Map<String, Map<String, String>> x509ByPrincipal) {

    /** The certificate keys, in the order the User Guide lists them. */
    public static final List<String> X509_KEYS = List.of(
            LatticeHeaders.KEY_X509_ISSUER_OU,
            LatticeHeaders.KEY_X509_SAN_DNS,
            LatticeHeaders.KEY_X509_SAN_NAME_CN,
            LatticeHeaders.KEY_X509_SAN_URI,
            LatticeHeaders.KEY_X509_SUBJECT_CN);

    /** Copies the maps, keeping their order. */
    public CallerDetails {
        tagsByPrincipal = copy(tagsByPrincipal);
        x509ByPrincipal = copy(x509ByPrincipal);
    }

    private static Map<String, Map<String, String>> copy(Map<String, Map<String, String>> byPrincipal) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(byPrincipal, "byPrincipal")
                .forEach((principal, values) ->
                        copy.put(principal, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values))));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The tags of a principal.
     *
     * @param principalArn the principal
     * @return its tags, in order; empty when none are configured
     */
    public Map<String, String> tags(String principalArn) {
        return tagsByPrincipal.getOrDefault(principalArn, Map.of());
    }

    /**
     * The certificate fields of a principal.
     *
     * @param principalArn the principal
     * @return its fields by {@code x-amzn-lattice-identity} key; empty when none are configured
     */
    public Map<String, String> x509(String principalArn) {
        return x509ByPrincipal.getOrDefault(principalArn, Map.of());
    }
}
