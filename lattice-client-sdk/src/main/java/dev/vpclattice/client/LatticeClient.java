package dev.vpclattice.client;

import dev.vpclattice.client.internal.DefaultLatticeClient;
import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A thread-safe HTTPS client for services behind Amazon VPC Lattice that signs each request with SigV4 for
 * {@code vpc-lattice-svcs}, retries transient failures and bounds each call with a timeout. Build it once, share it,
 * and close it when done.
 */
public interface LatticeClient extends AutoCloseable {

    /**
     * Creates a client with every default: region from the environment, {@code DefaultCredentialsProvider}, SigV4.
     *
     * @return a new client
     * @throws IllegalStateException if no region can be found in the environment
     */
    static LatticeClient create() {
        return builder().build();
    }

    /**
     * Returns a builder with the documented defaults.
     *
     * @return a new builder
     */
    static Builder builder() {
        return DefaultLatticeClient.builder();
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
     *     a signed request to plain {@code http}, a closed client); its {@code failureKind()} says which, its cause is
     *     the underlying failure
     * @throws NullPointerException if {@code request} is {@code null}
     */
    LatticeResponse send(LatticeRequest request);

    /**
     * Builds a request and sends it, as {@link #send(LatticeRequest)} does: {@code client.send(r -> r.url(dnsName))}.
     *
     * @param request sets up a new {@link LatticeRequest.Builder}
     * @return the response of the last attempt
     * @throws LatticeClientException as {@link #send(LatticeRequest)}
     * @throws IllegalArgumentException if the builder refuses a value
     */
    default LatticeResponse send(Consumer<LatticeRequest.Builder> request) {
        LatticeRequest.Builder builder = LatticeRequest.builder();
        request.accept(builder);
        return send(builder.build());
    }

    /**
     * Sends a request and returns as soon as the answer's head arrives, with a 2xx body as a stream that is never held
     * in memory whole; retries as {@link #send(LatticeRequest)} does until then. A non-2xx body is read (within
     * {@code maxResponseBodySize}) so that the error can be named. The call timeout ends when the head arrives; the
     * read timeout still bounds each read. Close the stream.
     *
     * @param request the request, required
     * @return the answer's status, headers and body stream
     * @throws LatticeClientException as {@link #send(LatticeRequest)}
     */
    LatticeResponseInputStream sendStreaming(LatticeRequest request);

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

    /** Configures a {@link LatticeClient}: the settings it shares with the async client, and these. Not thread-safe. */
    interface Builder extends LatticeBaseClientBuilder<Builder, LatticeClient> {
        /**
         * Sets an HTTP client the caller built and configured completely; it is not closed by
         * {@link LatticeClient#close()}. Cannot be combined with the settings this client would apply to an HTTP
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
        LatticeClient build();
    }
}
