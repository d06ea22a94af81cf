package dev.vpclattice.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.DefaultVpcLatticeClient;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A thread-safe HTTPS client for services behind Amazon VPC Lattice that signs each request with SigV4 (service
 * {@code vpc-lattice-svcs}, unsigned payload), retries transient failures, and adds an X-Ray subsegment when the
 * X-Ray recorder is on the classpath and a segment is active. Build it once and share it; close it when done.
 *
 * <pre>{@code
 * try (VpcLatticeClient client = VpcLatticeClient.create()) {
 *     LatticeResponse response = client.send(LatticeRequest.builder()
 *         .method("POST").url(System.getenv("SERVICE_DNS_NAME")).jsonBody(Map.of("hello", "lattice")).build());
 *     response.ensureSuccess();
 *     System.out.println(response.bodyAsString());
 * }
 * }</pre>
 */
public interface VpcLatticeClient extends AutoCloseable {

    /**
     * Creates a client with every default: region from the environment, {@code DefaultCredentialsProvider}, SigV4.
     *
     * @return a new client
     * @throws IllegalStateException if no region can be found in the environment
     */
    static VpcLatticeClient create() {
        return builder().build();
    }

    /**
     * Returns a builder with the documented defaults.
     *
     * @return a new builder
     */
    static Builder builder() {
        return DefaultVpcLatticeClient.builder();
    }

    /**
     * Sends a request and returns the response, whatever its status. Signs every attempt afresh (new
     * {@code x-amz-date}, credentials resolved again) and retries connection failures and 429/502/503/504 answers
     * for {@linkplain LatticeRequest#retryable() retryable} requests, within the whole-call timeout.
     *
     * @param request the request, required
     * @return the response of the last attempt (may be non-2xx: see {@link LatticeResponse#ensureSuccess()})
     * @throws IllegalArgumentException if the request is signed but its url is plain {@code http}
     * @throws VpcLatticeClientException if no response could be obtained (connection failure, reset, timeout,
     *     credentials not resolvable); its cause is the underlying failure
     * @throws IllegalStateException if the client is closed
     * @throws RuntimeException any other exception of the HTTP client (not an I/O failure), unchanged and not retried
     */
    LatticeResponse send(LatticeRequest request);

        /**
     * Runs this client's request path once without sending anything and without resolving credentials: it builds a
     * synthetic request, signs it with throwaway credentials and discards it, so the signer's and the request
     * model's classes are loaded and initialised. Call it where start-up work is captured, for example from an
     * {@code org.crac} {@code beforeCheckpoint} hook before a Lambda SnapStart snapshot, so the first call after a
     * restore does not pay for them. It opens no connection, so no connection is captured in a snapshot.
     *
     * @throws IllegalStateException if the client is closed
     */
    void prime();

/**
     * Releases the connection pool and timer thread. Closes the HTTP client and credentials provider only when the
     * client created them itself (not those passed to the builder). Idempotent.
     */
    @Override
    void close();

    /** Configures a {@link VpcLatticeClient}. Not thread-safe; every setting is optional. */
    interface Builder {
        /**
         * Sets the signing region. Defaults to the environment ({@code AWS_REGION}, the profile, instance
         * metadata) through {@code DefaultAwsRegionProviderChain}; not needed for {@link SigningMode#NONE}.
         *
         * @param region the region of the Lattice service, e.g. {@code Region.US_EAST_1}
         * @return this builder
         */
        Builder region(Region region);

        /**
         * Sets where credentials come from; they are resolved again for every attempt, so rotating credentials
         * (Lambda, SnapStart, assumed roles) work. Defaults to {@code DefaultCredentialsProvider}.
         *
         * @param credentialsProvider the provider
         * @return this builder
         */
        Builder credentialsProvider(AwsCredentialsProvider credentialsProvider);

        /**
         * Sets how requests are signed. Defaults to {@link SigningMode#SIGV4}.
         *
         * @param signingMode the mode
         * @return this builder
         */
        Builder signingMode(SigningMode signingMode);

        /**
         * Sets the TCP connect timeout of the default HTTP client. Defaults to 2 seconds. Ignored (with the
         * read timeout) when {@link #httpClient(SdkHttpClient)} is set: configure that client instead.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder connectTimeout(Duration timeout);

        /**
         * Sets the socket read timeout of the default HTTP client (longest silence while waiting for bytes).
         * Defaults to 30 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder readTimeout(Duration timeout);

        /**
         * Sets the whole-call timeout, which bounds all attempts including credential resolution (a slow credentials
         * endpoint is abandoned at the deadline), signing and backoff. Defaults to 60 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder callTimeout(Duration timeout);

        /**
         * Sets the maximum number of attempts, counting the first. Defaults to 3; 1 disables retries.
         *
         * @param maxAttempts 1 or more
         * @return this builder
         */
        Builder maxAttempts(int maxAttempts);

        /**
         * Sets the largest response body the client reads into memory. Defaults to 10 MiB (VPC Lattice itself caps
         * responses at 6 MB). A longer body fails the call with a {@link VpcLatticeClientException} naming the limit;
         * it is not retried and the connection is dropped rather than drained.
         *
         * @param bytes the limit in bytes, 1 or more
         * @return this builder
         */
        Builder maxResponseBodySize(int bytes);

        /**
         * Sets the base delay of the exponential backoff: before attempt {@code n+1} the client waits a random time
         * between 0 and {@code min(backoffMax, backoffBase * 2^(n-1))} (full jitter). Defaults to 100 ms.
         *
         * @param base a positive duration
         * @return this builder
         */
        Builder backoffBase(Duration base);

        /**
         * Sets the cap of a single backoff delay. Defaults to 5 seconds.
         *
         * @param max a duration not shorter than the base
         * @return this builder
         */
        Builder backoffMax(Duration max);

        /**
         * Sets the longest {@code Retry-After} the client honours (seconds or an HTTP date); a longer one is
         * shortened to this cap. Defaults to 20 seconds. The client never waits past the call timeout: when the wait
         * would end after it, the last response is returned instead.
         *
         * @param cap a non-negative duration
         * @return this builder
         */
        Builder retryAfterCap(Duration cap);

        /**
         * Sets the HTTP client. Defaults to the SDK's {@code Apache5HttpClient} with a pool of 50 kept-alive
         * connections, TCP keep-alive and the connect and read timeouts above; the default client trusts the JVM's
         * trust store. A client passed here is not closed by {@link VpcLatticeClient#close()}.
         *
         * @param httpClient the client
         * @return this builder
         */
        Builder httpClient(SdkHttpClient httpClient);

        /**
         * Sets the mapper used by {@link LatticeResponse#bodyAs(Class)}. Defaults to a shared plain {@link ObjectMapper},
         * created on first use.
         *
         * @param objectMapper the mapper
         * @return this builder
         */
        Builder objectMapper(ObjectMapper objectMapper);

        /**
         * Sets the clock used for signatures ({@code x-amz-date}). Defaults to the system clock; a fixed clock is
         * useful in tests.
         *
         * @param clock the clock
         * @return this builder
         */
        Builder signingClock(Clock clock);

        /**
         * Sets whether the SigV4 canonical path encodes the request's already percent-encoded path a second time
         * (the SDK's {@code DOUBLE_URL_ENCODE}). Defaults to {@code true}, the SDK default and what AWS's botocore
         * example for Lattice does; AWS's Go example for Lattice disables it. Only paths that contain
         * percent-encoded characters (e.g. {@code /a%20b}) sign differently: {@code /a%2520b} with it on,
         * {@code /a%20b} with it off. Which one Lattice verifies is not documented: switch it off if such paths
         * are rejected with {@code InvalidSignatureException}.
         *
         * @param enabled whether to encode the path twice
         * @return this builder
         */
        Builder doubleUrlEncode(boolean enabled);

        /**
         * Turns X-Ray tracing on or off. Defaults to on: a subsegment is recorded when the X-Ray recorder is on the
         * classpath and a segment is active (or inside Lambda), and nothing happens otherwise.
         *
         * @param enabled whether to trace
         * @return this builder
         */
        Builder tracing(boolean enabled);

        /**
         * Builds the client.
         *
         * @return a new client
         * @throws IllegalStateException if signing is on and no region is set or found, or SigV4A is chosen without
         *     {@code software.amazon.awssdk:http-auth-aws-crt} on the classpath
         * @throws IllegalArgumentException if a setting is out of range (the message names it and its value)
         */
        VpcLatticeClient build();
    }
}
