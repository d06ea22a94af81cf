package dev.vpclattice.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The settings that {@link LatticeClient.Builder} and {@link LatticeAsyncClient.Builder} share, with the same defaults
 * and meaning on both. Not thread-safe; every setting is optional.
 *
 * @param <B> the builder's own type, returned by every setter
 * @param <C> the client it builds
 */
public interface LatticeBaseClientBuilder<B extends LatticeBaseClientBuilder<B, C>, C> {
    /**
     * Sets the signing region. Defaults to the environment ({@code AWS_REGION}, the profile, instance
     * metadata) through {@code DefaultAwsRegionProviderChain}; not needed for {@link SigningMode#NONE}.
     *
     * @param region the region of the Lattice service, e.g. {@code Region.US_EAST_1}
     * @return this builder
     */
    B region(Region region);

    /**
     * Sets where credentials come from. Defaults to {@code DefaultCredentialsProvider}. The client caches the
     * identity the provider returns and refreshes it in the background before it expires; a call waits for the
     * provider (within its call timeout) only when no usable identity is cached. An identity without an expiration
     * time is asked for again in the background once it is a minute old. See the README's "Credentials".
     *
     * @param credentialsProvider the provider
     * @return this builder
     */
    B credentialsProvider(AwsCredentialsProvider credentialsProvider);

    /**
     * Sets how requests are signed. Defaults to {@link SigningMode#SIGV4}.
     *
     * @param signingMode the mode
     * @return this builder
     */
    B signingMode(SigningMode signingMode);

    /**
     * Sets the TCP connect timeout of the HTTP client the client builds. Defaults to 2 seconds. Cannot be combined
     * with an HTTP client passed whole to the builder's {@code httpClient(...)} ({@code build()} refuses it): configure
     * that client instead.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    B connectTimeout(Duration timeout);

    /**
     * Sets the socket read timeout (longest silence while waiting for bytes) of the HTTP client the client builds.
     * Defaults to 30 seconds. Cannot be combined with an HTTP client passed whole to {@code httpClient(...)}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    B readTimeout(Duration timeout);

    /**
     * Sets the whole-call timeout, which bounds all attempts including waiting for credentials (a slow credentials
     * endpoint is abandoned at the deadline), signing and backoff, and aborts an exchange in flight when it
     * expires ({@link LatticeCallTimeoutException}). Defaults to 60 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    B callTimeout(Duration timeout);

    /**
     * Sets the maximum number of attempts, counting the first. Defaults to 3; 1 disables retries.
     *
     * @param maxAttempts 1 or more
     * @return this builder
     */
    B maxAttempts(int maxAttempts);

    /**
     * Sets the largest response body the client reads into memory. Defaults to 10 MiB (VPC Lattice itself caps
     * responses at 6 MB). A longer body fails the call with a {@link LatticeClientException} naming the limit;
     * it is not retried and the connection is dropped rather than drained.
     *
     * @param bytes the limit in bytes, 1 or more
     * @return this builder
     */
    B maxResponseBodySize(int bytes);

    /**
     * Sets the base delay of the exponential backoff: before attempt {@code n+1} the client waits a random time
     * between 0 and {@code min(backoffMax, backoffBase * 2^(n-1))} (full jitter). Defaults to 100 ms.
     *
     * @param base at least 1 millisecond
     * @return this builder
     */
    B backoffBase(Duration base);

    /**
     * Sets the body size above which a request is sent with {@code Expect: 100-continue}: the HTTP client sends the
     * headers first and the body only once the server agrees, so that a refusal (413, 403) comes back as an answer
     * before the body is uploaded, instead of a broken connection mid-upload. Defaults to 1 MiB; {@code Long.MAX_VALUE}
     * turns it off.
     *
     * @param bytes a non-negative number of bytes
     * @return this builder
     */
    B expectContinueThreshold(long bytes);

    /**
     * Sets the cap of a single backoff delay. Defaults to 5 seconds.
     *
     * @param max a duration not shorter than the base
     * @return this builder
     */
    B backoffMax(Duration max);

    /**
     * Sets the longest {@code Retry-After} the client honours (seconds or an HTTP date); a longer one is
     * shortened to this cap. Defaults to 20 seconds. The client never waits past the call timeout: when the wait
     * would end after it, the last response is returned instead.
     *
     * @param cap a non-negative duration
     * @return this builder
     */
    B retryAfterCap(Duration cap);

    /**
     * Adds the certificates in a PEM file to the certificates the client's HTTP client trusts, for example a
     * local Lattice's or a private CA's. The JVM's default trust stays: public CAs are still trusted, and nothing
     * outside this client changes. The file is read now. May be called more than once; each call adds.
     *
     * @param pemFile a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return this builder
     * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
     */
    B trustedCertificates(Path pemFile);

    /**
     * Adds certificates to those the client's HTTP client trusts, in addition to the JVM's default trust, for this
     * client only. May be called more than once; each call adds.
     *
     * @param certificates trust anchors, for example a private CA or a self-signed server certificate
     * @return this builder
     */
    B trustedCertificates(X509Certificate... certificates);

    /**
     * Adds trust managers that the client's HTTP client consults in addition to the JVM's default trust: a server
     * is trusted when any of them (or the default) accepts it. For this client only. May be called more than
     * once; each call adds.
     *
     * @param trustManagers {@link javax.net.ssl.X509TrustManager}s
     * @return this builder
     * @throws IllegalArgumentException if one is not an {@code X509TrustManager}
     */
    B trustManagers(TrustManager... trustManagers);

    /**
     * Sets the one mapper that serializes {@link LatticeRequest.Builder#jsonBody(Object)} values and maps
     * {@link LatticeResponse#bodyAs(Class)}. Defaults to the library's shared mapper, created on first use: it
     * ignores unknown properties (so a class may model only the fields it needs) and reads and writes
     * {@code java.time} types as ISO-8601 text.
     *
     * @param objectMapper the mapper
     * @return this builder
     */
    B objectMapper(ObjectMapper objectMapper);

    /**
     * Sets the clock used for signatures ({@code x-amz-date}). Defaults to the system clock; a fixed clock is
     * useful in tests.
     *
     * @param clock the clock
     * @return this builder
     */
    B signingClock(Clock clock);

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
    B doubleUrlEncode(boolean enabled);

    /**
     * Sets whether {@code http://} requests are signed, for Lattice listeners that use plain HTTP with auth type
     * {@code AWS_IAM}. Defaults to {@code false}: a signed request to an {@code http} URL is refused before anything
     * is sent. When on, the request is signed as its {@code https} form with {@code UNSIGNED-PAYLOAD} (the canonical
     * request has no scheme, so the signature is the same). Turn it on only for such listeners: over plain HTTP
     * anyone who sees a request can send it again, with a changed body, as long as its signature is valid
     * (5 minutes), and can read the response.
     *
     * @param enabled whether to sign plain-HTTP requests
     * @return this builder
     */
    B signPlainHttp(boolean enabled);

    /**
     * Turns all tracing, X-Ray and OpenTelemetry, on or off. Defaults to on; each also has its own switch
     * ({@link #xRayTracing}, {@link #openTelemetryTracing}), and a tracer runs only when both are on. Trace headers
     * are added after signing and never signed; tracing errors never fail a call.
     *
     * @param enabled whether to trace
     * @return this builder
     */
    B tracing(boolean enabled);

    /**
     * Turns X-Ray tracing on or off. Defaults to on: a subsegment is recorded for each call, and
     * {@code X-Amzn-Trace-Id} propagated, when {@code com.amazonaws:aws-xray-recorder-sdk-core} is on the classpath
     * and a segment is active (or inside Lambda, following the invocation's sampling decision); without the
     * recorder nothing of it is loaded. The async client leaves the calling thread's X-Ray context as it was, and the
     * subsegment ends when the call does.
     *
     * @param enabled whether to trace with the X-Ray recorder
     * @return this builder
     */
    B xRayTracing(boolean enabled);

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
    B openTelemetryTracing(boolean enabled);

    /**
     * Adds a listener that hears about every attempt of every call: when it starts, its response or its failure,
     * with durations. Listeners run in the order added; one that throws never fails a call. On the sync client they
     * run on the calling thread; on the async client on whichever thread the call is on at that point, one at a time
     * for a call, and before the call's future completes. None by default.
     *
     * @param listener the listener
     * @return this builder
     */
    B addCallListener(LatticeCallListener listener);

    /**
     * Adds header names whose values the wire log replaces with {@code REDACTED}, besides {@code Authorization},
     * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie} and {@code X-Amz-Security-Token}, which it
     * always replaces. The wire log is the logger {@code dev.vpclattice.client.wire} at DEBUG (off unless your
     * logging configuration enables it). Case does not matter. May be called more than once; each call adds.
     *
     * @param headerNames names such as {@code x-api-key}
     * @return this builder
     */
    B wireLogRedactedHeaders(String... headerNames);

    /**
     * Builds the client.
     *
     * @return a new client
     */
    C build();
}
