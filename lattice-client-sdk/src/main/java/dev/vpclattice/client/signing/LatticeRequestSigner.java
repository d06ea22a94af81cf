package dev.vpclattice.client.signing;

import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.client.internal.auth.DefaultLatticeRequestSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Signs the requests any HTTP client sends to VPC Lattice services, as {@link dev.vpclattice.client.LatticeClient}
 * signs its own: given a request's method, URI and final headers, it returns the headers to add. Immutable and
 * thread-safe; {@link #close()} releases the credentials provider it created.
 */
public interface LatticeRequestSigner extends AutoCloseable {
    /**
     * Creates a signer with the defaults: SigV4, the region and credentials of the environment, and the hosts of the
     * region's Lattice service domain.
     *
     * @return the signer
     * @throws IllegalStateException if no region can be found
     */
    static LatticeRequestSigner create() {
        return builder().build();
    }

    /**
     * Starts configuring a signer.
     *
     * @return a new builder
     */
    static Builder builder() {
        return DefaultLatticeRequestSigner.builder();
    }

    /**
     * Signs a request, waiting for credentials when none are cached (at most the credentials timeout).
     *
     * @param method the HTTP method, e.g. {@code GET}; required
     * @param uri the absolute request URI, percent-encoded as it is sent; required
     * @param headers every header the host client will send, names in any case; a {@code Host} header is signed as
     *     given, else the one derived from the URI (without a default port); required (may be empty)
     * @return the headers to add (replacing any of the same name), in order, unmodifiable; empty when the host is not
     *     one of {@link Builder#hosts(LatticeHosts)}
     * @throws LatticeClientException if the credentials cannot be resolved in time, or the request is plain
     *     {@code http} and {@link Builder#signPlainHttp(boolean)} is off
     * @throws IllegalArgumentException if the URI is not absolute, the method is not one the AWS SDK's signer knows
     *     ({@code GET}, {@code POST}, {@code PUT}, {@code DELETE}, {@code HEAD}, {@code PATCH}, {@code OPTIONS}), or
     *     there are two different {@code Host} values
     */
    Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers);

    /**
     * Signs a request without blocking the calling thread: completes at once when credentials are cached, else when
     * the provider has answered.
     *
     * @param method the HTTP method; required
     * @param uri the absolute request URI; required
     * @param headers every header the host client will send; required
     * @return the headers to add, or a future failed with a {@link LatticeClientException}
     */
    CompletableFuture<Map<String, String>> signAsync(String method, URI uri, Map<String, List<String>> headers);

    /**
     * Tells whether requests to this URI are signed.
     *
     * @param uri the request URI
     * @return whether its host is one of {@link Builder#hosts(LatticeHosts)}
     */
    boolean signs(URI uri);

    /** Closes the credentials provider the signer created (not one that was given). Idempotent. */
    @Override
    void close();

    /** Configures a {@link LatticeRequestSigner}. Not thread-safe; every setting is optional. */
    interface Builder {
        /**
         * Sets the signing region. Defaults to the environment ({@code AWS_REGION}, the profile, instance metadata).
         *
         * @param region the region of the Lattice service
         * @return this builder
         */
        Builder region(Region region);

        /**
         * Sets where credentials come from. Defaults to {@code DefaultCredentialsProvider}, created by the signer and
         * closed by {@link #close()}. The identity is cached and refreshed in the background before it expires, as
         * by {@code LatticeClient}.
         *
         * @param credentialsProvider the provider
         * @return this builder
         */
        Builder credentialsProvider(AwsCredentialsProvider credentialsProvider);

        /**
         * Sets how requests are signed. Defaults to {@link SigningMode#SIGV4}; {@link SigningMode#NONE} makes a
         * signer that adds only trace headers.
         *
         * @param signingMode the mode
         * @return this builder
         */
        Builder signingMode(SigningMode signingMode);

        /**
         * Sets which hosts are signed; requests to others pass unsigned. Defaults to
         * {@link LatticeHosts#serviceDomain(String)} of the signing region (or, for SigV4A, of the environment's).
         *
         * @param hosts the hosts
         * @return this builder
         */
        Builder hosts(LatticeHosts hosts);

        /**
         * Sets whether {@code http://} requests are signed, for Lattice listeners that use plain HTTP with auth type
         * {@code AWS_IAM}. Defaults to {@code false}: such requests are refused with a
         * {@link LatticeClientException}. Turn it on only for such listeners: over plain HTTP anyone who sees a
         * request can send it again, with changed headers or body, as long as its signature is valid (5 minutes).
         *
         * @param enabled whether to sign plain-HTTP requests
         * @return this builder
         */
        Builder signPlainHttp(boolean enabled);

        /**
         * Sets whether trace headers are added after signing: the current OpenTelemetry context through the
         * installed propagators, and inside Lambda {@code X-Amzn-Trace-Id}; a header the request already has is
         * kept. Defaults to {@code true}. Trace headers are never signed.
         *
         * @param enabled whether to propagate trace context
         * @return this builder
         */
        Builder tracePropagation(boolean enabled);

        /**
         * Sets how long {@link LatticeRequestSigner#sign} waits for credentials when none are cached. Defaults to
         * 10 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder credentialsTimeout(Duration timeout);

        /**
         * Sets the clock of {@code X-Amz-Date}. Defaults to the system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        Builder signingClock(Clock clock);

        /**
         * Sets whether the canonical path encodes the already percent-encoded path again. Defaults to {@code true};
         * see {@code LatticeClient.Builder#doubleUrlEncode(boolean)}.
         *
         * @param enabled whether to encode the path twice
         * @return this builder
         */
        Builder doubleUrlEncode(boolean enabled);

        /**
         * Builds the signer.
         *
         * @return a new signer
         * @throws IllegalStateException if SigV4 or the default hosts need a region and none is found, or SigV4A
         *     lacks its dependency
         */
        LatticeRequestSigner build();
    }
}
