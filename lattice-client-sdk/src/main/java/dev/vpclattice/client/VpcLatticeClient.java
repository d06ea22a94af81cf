package dev.vpclattice.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.DefaultVpcLatticeClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A thread-safe HTTPS client for services behind Amazon VPC Lattice that signs each request with SigV4 (service
 * {@code vpc-lattice-svcs}, unsigned payload), retries transient failures, and traces each call: an X-Ray subsegment
 * when the X-Ray recorder is on the classpath and a segment is active, an OpenTelemetry span per attempt when
 * {@code opentelemetry-api} is on the classpath and a global {@code OpenTelemetry} is installed. Build it once and
 * share it; close it when done.
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
     * Sends a request and returns the response, whatever its status. Signs every attempt afresh (a new
     * {@code x-amz-date}, with the cached or refreshed credentials), retries failures that prove nothing was sent
     * for every method, and connection failures and 429/502/503/504 answers for
     * {@linkplain LatticeRequest#retryable() retryable} requests, all within the call timeout.
     *
     * @param request the request, required
     * @return the response of the last attempt (may be non-2xx: see {@link LatticeResponse#ensureSuccess()})
     * @throws LatticeCallTimeoutException if the call timeout expired
     * @throws LatticeClientException if no usable response was obtained (connection failure, reset, read timeout,
     *     credentials not resolvable, an answer that is not HTTP or too large, a JSON body that cannot be serialized,
     *     a signed request to plain {@code http}, a closed client); its cause is the underlying failure
     * @throws NullPointerException if {@code request} is {@code null}
     */
    LatticeResponse send(LatticeRequest request);

    /**
     * Runs this client's request path once without sending anything and without resolving credentials: it builds a
     * synthetic request, signs it with throwaway credentials and discards it, so the signer's and the request
     * model's classes are loaded and initialised. Call it where start-up work is captured, for example from an
     * {@code org.crac} {@code beforeCheckpoint} hook before a Lambda SnapStart snapshot, so the first call after a
     * restore does not pay for them. It opens no connection, so no connection is captured in a snapshot.
     *
     * @throws LatticeClientException if the client is closed
     */
    void prime();

    /**
     * Returns where requests without a url go: the service named with {@link Builder#service(String)}, whose DNS
     * name was looked up when this client was built.
     *
     * @return {@code https://<dns-name>[:port]}, or empty when the client was built without a service
     */
    Optional<URI> serviceEndpoint();

    /**
     * Releases the connection pool and the credentials refresh thread. Closes the HTTP client and credentials provider
     * only when the client created them itself (not those passed to the builder). Idempotent; calls in flight fail
     * with a {@link LatticeClientException}.
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
         * Sets where credentials come from. Defaults to {@code DefaultCredentialsProvider}. The client caches the
         * identity the provider returns and refreshes it in the background before it expires; a call waits for the
         * provider (within its call timeout) only when no usable identity is cached. An identity without an expiration
         * time is asked for again in the background once it is a minute old. See the README's "Credentials".
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
         * Sets the TCP connect timeout of the HTTP client the client builds. Defaults to 2 seconds. Cannot be combined
         * with {@link #httpClient(SdkHttpClient)} ({@link #build()} refuses it): configure that client instead.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder connectTimeout(Duration timeout);

        /**
         * Sets the socket read timeout (longest silence while waiting for bytes) of the HTTP client the client builds.
         * Defaults to 30 seconds. Cannot be combined with {@link #httpClient(SdkHttpClient)}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        Builder readTimeout(Duration timeout);

        /**
         * Sets the whole-call timeout, which bounds all attempts including waiting for credentials (a slow credentials
         * endpoint is abandoned at the deadline), signing and backoff, and aborts an exchange in flight when it
         * expires ({@link LatticeCallTimeoutException}). Defaults to 60 seconds.
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
         * responses at 6 MB). A longer body fails the call with a {@link LatticeClientException} naming the limit;
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
         * Sets an HTTP client the caller built and configured completely; it is not closed by
         * {@link VpcLatticeClient#close()}. Cannot be combined with the settings this client would apply to an HTTP
         * client it builds ({@link #connectTimeout}, {@link #readTimeout}, {@link #trustedCertificates},
         * {@link #trustManagers}, {@link #httpClientBuilder}): {@link #build()} refuses that with an
         * {@link IllegalArgumentException}. By default the client builds the SDK's {@code Apache5HttpClient}.
         *
         * @param httpClient the client
         * @return this builder
         */
        Builder httpClient(SdkHttpClient httpClient);

        /**
         * Sets the builder of the HTTP client this client builds and owns, as the SDK's service client builders
         * accept one: for example {@code Apache5HttpClient.builder().proxyConfiguration(...)},
         * {@code AwsCrtHttpClient.builder()} or {@code UrlConnectionHttpClient.builder()}. The client hands it the
         * connect and read timeouts, the trust and its pool defaults (50 connections, TCP keep-alive, 50-second idle
         * limit) through {@code buildWithDefaults}; what the builder sets itself wins, as in the SDK. Defaults to
         * {@code Apache5HttpClient.builder()}.
         *
         * @param httpClientBuilder the builder
         * @return this builder
         */
        Builder httpClientBuilder(SdkHttpClient.Builder<?> httpClientBuilder);

        /**
         * Adds the certificates in a PEM file to the certificates the client's HTTP client trusts, for example a
         * local Lattice's or a private CA's. The JVM's default trust stays: public CAs are still trusted, and nothing
         * outside this client changes. The file is read now. May be called more than once; each call adds.
         *
         * @param pemFile a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
         * @return this builder
         * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
         */
        Builder trustedCertificates(Path pemFile);

        /**
         * Adds certificates to those the client's HTTP client trusts, in addition to the JVM's default trust, for this
         * client only. May be called more than once; each call adds.
         *
         * @param certificates trust anchors, for example a private CA or a self-signed server certificate
         * @return this builder
         */
        Builder trustedCertificates(X509Certificate... certificates);

        /**
         * Adds trust managers that the client's HTTP client consults in addition to the JVM's default trust: a server
         * is trusted when any of them (or the default) accepts it. For this client only. May be called more than
         * once; each call adds.
         *
         * @param trustManagers {@link javax.net.ssl.X509TrustManager}s
         * @return this builder
         * @throws IllegalArgumentException if one is not an {@code X509TrustManager}
         */
        Builder trustManagers(TrustManager... trustManagers);

        /**
         * Sets the one mapper that serializes {@link LatticeRequest.Builder#jsonBody(Object)} values and maps
         * {@link LatticeResponse#bodyAs(Class)}. Defaults to the library's shared mapper, created on first use: it
         * ignores unknown properties (so a class may model only the fields it needs) and reads and writes
         * {@code java.time} types as ISO-8601 text.
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
         * Turns all tracing, X-Ray and OpenTelemetry, on or off. Defaults to on; each also has its own switch
         * ({@link #xRayTracing}, {@link #openTelemetryTracing}), and a tracer runs only when both are on. Trace headers
         * are added after signing and never signed; tracing errors never fail a call.
         *
         * @param enabled whether to trace
         * @return this builder
         */
        Builder tracing(boolean enabled);

        /**
         * Names the one VPC Lattice service this client calls, by its ARN, ID ({@code svc-...}) or name, so that
         * requests need only a path: {@link #build()} looks up the service's DNS name once through the VPC Lattice API
         * ({@code GetService} for an ARN or ID, {@code ListServices} for a name), and a request built without a url
         * then goes to {@code https://<dns-name>[:servicePort]} with its own path and query. A request with a url
         * still goes to that url. The lookup uses this client's region (an ARN's region when none is set), credentials
         * provider and HTTP client, and needs {@code software.amazon.awssdk:vpclattice} on the class path. Default:
         * none, every request needs a url.
         *
         * @param serviceArnIdOrName e.g. {@code arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123456789abcdef0},
         *     {@code svc-0123456789abcdef0} or {@code orders}
         * @return this builder
         * @throws IllegalArgumentException if it is blank, or an {@code arn:} that is not a VPC Lattice service's
         */
        Builder service(String serviceArnIdOrName);

        /**
         * Sets the port of the HTTPS listener of the {@link #service(String) service}. Defaults to 443.
         *
         * @param port 1 to 65535
         * @return this builder
         */
        Builder servicePort(int port);

        /**
         * Sets the endpoint of the VPC Lattice API that {@link #service(String)} is looked up through, for example a
         * VPC interface endpoint's DNS name or a local mock. Defaults to the SDK's endpoint for the region
         * ({@code https://vpc-lattice.<region>.amazonaws.com}).
         *
         * @param endpoint an absolute http or https URI
         * @return this builder
         */
        Builder serviceDiscoveryEndpoint(URI endpoint);

        /**
         * Turns X-Ray tracing on or off. Defaults to on: a subsegment is recorded for each call, and
         * {@code X-Amzn-Trace-Id} propagated, when {@code com.amazonaws:aws-xray-recorder-sdk-core} is on the classpath
         * and a segment is active (or inside Lambda, following the invocation's sampling decision); without the
         * recorder nothing of it is loaded.
         *
         * @param enabled whether to trace with the X-Ray recorder
         * @return this builder
         */
        Builder xRayTracing(boolean enabled);

        /**
         * Turns OpenTelemetry tracing on or off. Defaults to on: when {@code io.opentelemetry:opentelemetry-api} is on
         * the classpath and a global {@code OpenTelemetry} is installed (the Java agent, the ADOT Lambda layer, or the
         * application's {@code GlobalOpenTelemetry.set}), each attempt is a span of kind CLIENT and its context is
         * injected through the installed propagators (W3C {@code traceparent}, and {@code X-Amzn-Trace-Id} when the
         * X-Ray propagator is installed). Without the API nothing of it is loaded.
         *
         * @param enabled whether to trace with OpenTelemetry
         * @return this builder
         */
        Builder openTelemetryTracing(boolean enabled);

        /**
         * Adds a listener that hears about every attempt of every call: when it starts, its response or its failure,
         * with durations. Listeners run in the order added, on the calling thread; one that throws never fails a call.
         * None by default.
         *
         * @param listener the listener
         * @return this builder
         */
        Builder addCallListener(LatticeCallListener listener);

        /**
         * Adds header names whose values the wire log replaces with {@code REDACTED}, besides {@code Authorization},
         * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie} and {@code X-Amz-Security-Token}, which it
         * always replaces. The wire log is the logger {@code dev.vpclattice.client.wire} at DEBUG (off unless your
         * logging configuration enables it). Case does not matter. May be called more than once; each call adds.
         *
         * @param headerNames names such as {@code x-api-key}
         * @return this builder
         */
        Builder wireLogRedactedHeaders(String... headerNames);

        /**
         * Builds the client.
         *
         * @return a new client
         * @throws IllegalStateException if signing is on and no region is set or found, or SigV4A is chosen without
         *     {@code software.amazon.awssdk:http-auth-aws-crt} on the classpath; with {@link #service(String)}, if
         *     {@code software.amazon.awssdk:vpclattice} is missing, the service is not found, has no DNS name, or
         *     cannot be looked up, or an ARN's region differs from {@link #region(Region)}: the message names the
         *     service
         * @throws IllegalArgumentException if settings contradict each other (for example {@link #httpClient} with
         *     timeouts or trust); the message names them
         */
        VpcLatticeClient build();
    }
}
