package dev.vpclattice.client.signing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The hosts whose requests a {@link LatticeRequestSigner} signs; requests to any other host pass unsigned. Immutable
 * and thread-safe.
 */
public final class LatticeHosts {
    private static final Pattern HOST =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final LatticeHosts ANY = new LatticeHosts(List.of(), List.of(), true);

    private final List<String> exact;
    private final List<String> suffixes;
    private final boolean any;

    private LatticeHosts(List<String> exact, List<String> suffixes, boolean any) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.any = any;
    }

    /**
     * Matches every host, an explicit choice for an HTTP client that sends only to Lattice services: a signer with it
     * hands credentials-derived headers to any host the client calls.
     *
     * @return the matcher
     */
    public static LatticeHosts any() {
        return ANY;
    }

    /**
     * Matches the names VPC Lattice generates for services in a region,
     * {@code service_name-service_id.partition_id.vpc-lattice-svcs.REGION.on.aws}: the pattern
     * {@code *.vpc-lattice-svcs.REGION.on.aws}.
     *
     * @param region the region, e.g. {@code us-east-1}; required
     * @return the matcher
     * @throws IllegalArgumentException if the region is not a DNS label
     */
    public static LatticeHosts serviceDomain(String region) {
        Objects.requireNonNull(region, "region");
        return of("*.vpc-lattice-svcs." + region + ".on.aws");
    }

    /**
     * Matches the given host names and patterns. A pattern is an exact host name ({@code orders.example.com}), or
     * {@code *.} followed by a domain, which matches every name below that domain but not the domain itself
     * ({@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}). Matching ignores case and a
     * trailing dot.
     *
     * @param patterns exact host names, or {@code *.domain}; at least one
     * @return the matcher
     * @throws IllegalArgumentException naming a pattern that is neither
     */
    public static LatticeHosts of(String... patterns) {
        Objects.requireNonNull(patterns, "patterns");
        return of(List.of(patterns));
    }

    /**
     * Matches the given host names and patterns.
     *
     * @param patterns exact host names, or {@code *.domain}; at least one
     * @return the matcher
     * @throws IllegalArgumentException naming a pattern that is neither
     */
    public static LatticeHosts of(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("LatticeHosts needs at least one host name or *.domain pattern");
        }
        List<String> exact = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String pattern : patterns) {
            Objects.requireNonNull(pattern, "pattern");
            String normalized = normalize(pattern.strip());
            boolean wildcard = normalized.startsWith("*.");
            String name = wildcard ? normalized.substring(2) : normalized;
            if (!HOST.matcher(name).matches() && !(IPV4.matcher(name).matches() && !wildcard)) {
                throw new IllegalArgumentException("A Lattice host must be a host name such as orders.example.com"
                        + " or a pattern such as *.example.com, got '" + pattern + "'");
            }
            if (wildcard) {
                suffixes.add("." + name);
            } else {
                exact.add(name);
            }
        }
        return new LatticeHosts(List.copyOf(exact), List.copyOf(suffixes), false);
    }

    /**
     * Returns a matcher for the hosts of both.
     *
     * @param other more hosts; required
     * @return a matcher that matches a host either matches
     */
    public LatticeHosts or(LatticeHosts other) {
        Objects.requireNonNull(other, "other");
        if (any || other.any) {
            return ANY;
        }
        List<String> exact = new ArrayList<>(this.exact);
        exact.addAll(other.exact);
        List<String> suffixes = new ArrayList<>(this.suffixes);
        suffixes.addAll(other.suffixes);
        return new LatticeHosts(List.copyOf(exact), List.copyOf(suffixes), false);
    }

    /**
     * Tells whether requests to a host are signed.
     *
     * @param host the host of the request URI, without port; {@code null} never matches
     * @return true when it matches
     */
    public boolean matches(String host) {
        if (any) {
            return true;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = normalize(host);
        for (String candidate : exact) {
            if (candidate.equals(name)) {
                return true;
            }
        }
        for (String suffix : suffixes) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatticeHosts
                && any == ((LatticeHosts) o).any
                && exact.equals(((LatticeHosts) o).exact)
                && suffixes.equals(((LatticeHosts) o).suffixes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(any, exact, suffixes);
    }

    @Override
    public String toString() {
        if (any) {
            return "LatticeHosts[any]";
        }
        List<String> all = new ArrayList<>(exact);
        for (String suffix : suffixes) {
            all.add("*" + suffix);
        }
        return "LatticeHosts" + all;
    }
}
