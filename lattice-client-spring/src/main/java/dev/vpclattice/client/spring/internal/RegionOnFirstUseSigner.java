package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The Boot signer when no region is configured: the region (and with it the signer) comes from the environment when
 * the first request to a Lattice host is signed, not at startup, where looking for it may mean asking the instance
 * metadata service. Which hosts are signed is known without it: the named ones, and names of the Lattice service
 * domain of the region once it is known. Thread-safe.
 */
@LatticeInternalApi
public final class RegionOnFirstUseSigner implements LatticeRequestSigner {
    /** A name Lattice generates, {@code ...vpc-lattice-svcs.REGION.on.aws}; group 1 is the region. */
    private static final Pattern SERVICE_DOMAIN =
            Pattern.compile(".+\\.vpc-lattice-svcs\\.([a-z0-9-]+)\\.on\\.aws\\.?");

    private final LatticeRequestSigner.Builder builder;
    private final LatticeHosts named;
    private final boolean serviceDomain;
    private final Supplier<Region> regions;
    private volatile Resolved resolved;
    private boolean closed;

    /**
     * Creates the signer.
     *
     * @param builder the signer's settings, without region and hosts; used once, on first use
     * @param named the named hosts, or {@code null}
     * @param serviceDomain whether the region's service domain is signed
     */
    public RegionOnFirstUseSigner(LatticeRequestSigner.Builder builder, LatticeHosts named, boolean serviceDomain) {
        this(builder, named, serviceDomain, () -> new DefaultAwsRegionProviderChain().getRegion());
    }

    RegionOnFirstUseSigner(
            LatticeRequestSigner.Builder builder, LatticeHosts named, boolean serviceDomain, Supplier<Region> regions) {
        this.builder = builder;
        this.named = named;
        this.serviceDomain = serviceDomain;
        this.regions = regions;
    }

    @Override
    public boolean signs(URI uri) {
        if (uri == null || uri.getHost() == null) {
            return false;
        }
        if (named != null && named.matches(uri.getHost())) {
            return true;
        }
        if (!serviceDomain) {
            return false;
        }
        Matcher lattice = SERVICE_DOMAIN.matcher(uri.getHost().toLowerCase(Locale.ROOT));
        return lattice.matches() && lattice.group(1).equals(signer().region);
    }

    @Override
    public Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers) {
        return signs(uri) ? signer().signer.sign(method, uri, headers) : Map.of();
    }

    @Override
    public CompletableFuture<Map<String, String>> signAsync(String method, URI uri, Map<String, List<String>> headers) {
        try {
            return signs(uri)
                    ? signer().signer.signAsync(method, uri, headers)
                    : CompletableFuture.completedFuture(Map.of());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The signer and its region, made on first use; a failure is not kept, the next request tries again. */
    private Resolved signer() {
        Resolved current = resolved;
        return current != null ? current : resolve();
    }

    private synchronized Resolved resolve() {
        if (closed) {
            throw new IllegalStateException("The Lattice request signer is closed");
        }
        if (resolved == null) {
            Region region;
            try {
                region = regions.get();
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "lattice.signing needs a region to sign requests to Lattice: set lattice.signing.region or"
                                + " AWS_REGION (" + e.getMessage() + ")",
                        e);
            }
            // The adapters ask signs() first; the built signer signs whatever it is handed.
            resolved = new Resolved(
                    region.id(),
                    builder.region(region).hosts(LatticeHosts.any()).build());
        }
        return resolved;
    }

    /** The signer of the region found. */
    private static final class Resolved {
        final String region;
        final LatticeRequestSigner signer;

        Resolved(String region, LatticeRequestSigner signer) {
            this.region = region;
            this.signer = signer;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (resolved != null) {
            resolved.signer.close();
        }
    }

    @Override
    public String toString() {
        return "LatticeRequestSigner[region on first use, " + named + (serviceDomain ? ", service domain" : "") + "]";
    }
}
