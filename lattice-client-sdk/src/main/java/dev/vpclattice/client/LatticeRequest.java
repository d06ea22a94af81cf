package dev.vpclattice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.Durations;
import dev.vpclattice.contract.QueryStrings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable, thread-safe HTTP request to a service behind VPC Lattice, sent with
 * {@link LatticeClient#send(LatticeRequest)}.
 *
 * <pre>{@code
 * LatticeRequest request = LatticeRequest.builder()
 *     .method("POST")
 *     .url("my-svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws")   // a DNS name means https://<name>
 *     .path("/orders")
 *     .queryParameter("id", "1")
 *     .jsonBody(order)
 *     .build();
 * }</pre>
 *
 * <p>A request without a url is relative: it names a path, query, headers and body, and goes to the service a client
 * was built for with {@link LatticeClient.Builder#service(String)}. A request with a url goes to that url,
 * whatever service the client knows.
 */
public final class LatticeRequest {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH");
    private static final Set<String> COMPUTED_HEADERS = Set.of("host", "content-length", "transfer-encoding");

    private final String method;
    private final String scheme;
    private final String host;
    private final int port;
    private final String encodedPath;
    private final Map<String, List<String>> queryParameters;
    private final Map<String, List<String>> headers;
    /** Never changed once stored: builders replace the array instead of writing into it, so it is shared freely. */
    private final byte[] body;

    private final Object jsonValue;
    private final boolean retryable;
    private final Duration callTimeout;
    private String redactedUrl;

    private LatticeRequest(DefaultBuilder b) {
        this.method = b.method;
        this.scheme = b.scheme;
        this.host = b.host;
        this.port = b.port;
        this.encodedPath = b.encodedPath.isEmpty() ? "/" : b.encodedPath;
        this.queryParameters = deepCopy(b.queryParameters, new LinkedHashMap<>());
        this.headers = deepCopy(b.headers, new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
        this.body = b.body;
        this.jsonValue = b.jsonValue;
        this.retryable = b.retryable != null ? b.retryable : IDEMPOTENT.contains(method);
        this.callTimeout = b.callTimeout;
    }

    private static Map<String, List<String>> deepCopy(
            Map<String, List<String>> source, Map<String, List<String>> target) {
        source.forEach((k, v) -> target.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(target);
    }

    /**
     * Returns a new builder; the method defaults to {@code GET}; the url is required unless the client that sends the
     * request knows its service.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new DefaultBuilder();
    }

    /**
     * Returns a builder initialised with this request's values.
     *
     * @return a builder that does not affect this request
     */
    public Builder toBuilder() {
        return new DefaultBuilder(this);
    }

    /**
     * Returns the HTTP method, upper case.
     *
     * @return the method, e.g. {@code GET}
     */
    public String method() {
        return method;
    }

    /**
     * Tells whether the request names its target, or is relative to the service of the client that sends it.
     *
     * @return {@code true} when a url was set; {@code false} for a request that only a client built with
     *     {@link LatticeClient.Builder#service(String)} can send
     */
    public boolean hasUrl() {
        return scheme != null;
    }

    /**
     * Returns the URL of the request: scheme, host, port (when given), encoded path and query; for a request without a
     * url, the relative reference of its path and query.
     *
     * @return the URL
     */
    public URI uri() {
        StringBuilder text = new StringBuilder();
        if (scheme != null) {
            text.append(scheme).append("://").append(host);
            if (port > 0) {
                text.append(':').append(port);
            }
        }
        text.append(encodedPath);
        String query = software.amazon.awssdk.utils.http.SdkHttpUtils.encodeAndFlattenQueryParameters(queryParameters)
                .orElse(null);
        if (query != null) {
            text.append('?').append(query);
        }
        return URI.create(text.toString());
    }

    /**
     * Returns the scheme.
     *
     * @return {@code https} or {@code http}; {@code null} for a request without a url ({@link #hasUrl()})
     */
    public String scheme() {
        return scheme;
    }

    /**
     * Returns the host name (without port).
     *
     * @return the host; {@code null} for a request without a url ({@link #hasUrl()})
     */
    public String host() {
        return host;
    }

    /**
     * Returns the explicit port.
     *
     * @return the port, or -1 when the scheme's default applies
     */
    public int port() {
        return port;
    }

    /**
     * Returns the path as sent on the wire (percent-encoded).
     *
     * @return the path, at least {@code /}
     */
    public String encodedPath() {
        return encodedPath;
    }

    /**
     * Returns the query parameters, not encoded, in insertion order.
     *
     * @return an unmodifiable map of name to values
     */
    public Map<String, List<String>> queryParameters() {
        return queryParameters;
    }

    /**
     * Returns the caller's headers (signing headers are added when sending).
     *
     * @return an unmodifiable map with case-insensitive keys
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, case-insensitive
     * @return the first value, or empty when absent
     */
    public Optional<String> firstHeader(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Returns a copy of the body bytes.
     *
     * @return the bytes set with {@link Builder#body(byte[])} or {@link Builder#body(String)}, or empty when the
     *     request has no body or a {@linkplain #jsonValue() JSON value} that the client serializes when it sends
     */
    public Optional<byte[]> body() {
        return body == null ? Optional.empty() : Optional.of(body.clone());
    }

    /**
     * Returns the body bytes without copying them, like the SDK's {@code SdkBytes.asByteArrayUnsafe()}: the caller
     * must not change the array.
     *
     * @return the body bytes, or empty as for {@link #body()}
     */
    public Optional<byte[]> bodyAsByteArrayUnsafe() {
        return Optional.ofNullable(body);
    }

    /**
     * Returns the value set with {@link Builder#jsonBody(Object)}, which the client serializes with its own
     * {@link ObjectMapper} ({@link LatticeClient.Builder#objectMapper(ObjectMapper)}) when it sends the request.
     *
     * @return the value, or empty when the body is bytes or absent
     */
    public Optional<Object> jsonValue() {
        return Optional.ofNullable(jsonValue);
    }

    /**
     * Returns whether the client may retry this request after a failure that may have reached the service (a reset,
     * a read timeout) or a 429/502/503/504 answer. A failure that proves nothing was sent (connection refused,
     * connect timeout) is retried whatever this says.
     *
     * @return the value set with {@link Builder#retryable(boolean)}; by default {@code true} for the idempotent
     *     methods GET, HEAD, OPTIONS, PUT and DELETE, {@code false} for POST and PATCH
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Returns this request's own call timeout, which replaces the client's for this call.
     *
     * @return the timeout set with {@link Builder#callTimeout(Duration)}, or empty to use the client's
     */
    public Optional<Duration> callTimeout() {
        return Optional.ofNullable(callTimeout);
    }

    /**
     * Returns the URL without query and user info, {@code scheme://host[:port]/path}: the one form this library uses
     * in {@link #toString()}, log lines, exception messages and traces, because callers may put tokens in the query.
     * A request without a url gives its path alone.
     *
     * @return the URL without its query
     */
    public String redactedUrl() {
        String url = redactedUrl;
        if (url == null) {
            // Computed once, when first asked for: messages and traces need it, a successful untraced call does not.
            url = redact(scheme, host, port, encodedPath);
            redactedUrl = url;
        }
        return url;
    }

    static String redact(String scheme, String host, int port, String encodedPath) {
        if (scheme == null) {
            return encodedPath == null ? "" : encodedPath;
        }
        return scheme + "://" + (host == null ? "" : host) + (port > 0 ? ":" + port : "")
                + (encodedPath == null ? "" : encodedPath);
    }

    /**
     * Returns the method and {@link #redactedUrl()}, e.g. {@code GET https://svc.example:8443/orders}; never the
     * query, headers or body, which may carry secrets.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return method + " " + redactedUrl();
    }

    /** Builds a {@link LatticeRequest}. Not thread-safe. */
    public interface Builder {
        /**
         * Sets the HTTP method; default {@code GET}.
         *
         * @param method one of GET, HEAD, OPTIONS, PUT, DELETE, POST, PATCH (any case)
         * @return this builder
         */
        Builder method(String method);

        /**
         * Sets the target: either a DNS name such as {@code svc-1.abc.vpc-lattice-svcs.us-east-1.on.aws}, which
         * means {@code https://<name>/}, or a full {@code https://} (or {@code http://}) URL with optional port, path
         * and query. Replaces path and query set earlier. Required, unless the client that sends the request was built
         * with {@link LatticeClient.Builder#service(String)}: a request without a url goes to that service.
         *
         * @param dnsNameOrUrl the DNS name or URL
         * @return this builder
         * @throws IllegalArgumentException if the value is not a host name or an http(s) URL with a host
         */
        Builder url(String dnsNameOrUrl);

        /**
         * Sets the target URL, as {@link #url(String)} does.
         *
         * @param url an absolute http or https URL with a host
         * @return this builder
         */
        Builder url(URI url);

        /**
         * Appends a path to the URL's path, percent-encoded as it should go on the wire
         * (e.g. {@code /orders/a%20b}); a single slash joins the two.
         *
         * @param encodedPath the path, e.g. {@code /orders}
         * @return this builder
         */
        Builder path(String encodedPath);

        /**
         * Adds a query parameter value (not encoded; the client encodes it).
         *
         * @param name the parameter name
         * @param value the value
         * @return this builder
         */
        Builder queryParameter(String name, String value);

        /**
         * Adds a header value. {@code Host}, {@code Content-Length} and {@code Transfer-Encoding} are computed and
         * cannot be set. With signing, {@code Authorization} and {@code X-Amz-*} signing headers are replaced.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        Builder header(String name, String value);

        /**
         * Sets the body. No body by default. Replaces a body or JSON value set earlier.
         *
         * @param body the bytes, copied; {@code null} for no body
         * @return this builder
         */
        Builder body(byte[] body);

        /**
         * Sets the body without copying it, like the SDK's {@code SdkBytes.fromByteArrayUnsafe}: the caller must not
         * change the array afterwards. Saves one copy of a large body.
         *
         * @param body the bytes, not copied; {@code null} for no body
         * @return this builder
         */
        Builder bodyFromByteArrayUnsafe(byte[] body);

        /**
         * Sets a text body encoded as UTF-8 and, unless already set, {@code Content-Type: text/plain; charset=UTF-8}.
         *
         * @param body the text
         * @return this builder
         */
        Builder body(String body);

        /**
         * Sets a JSON body: the client serializes {@code value} with its {@link ObjectMapper} (the one that also maps
         * responses, see {@link LatticeClient.Builder#objectMapper(ObjectMapper)}) once per call, when it sends.
         * Sets {@code Content-Type: application/json} unless already set. A value the mapper cannot serialize fails
         * the call with a {@link LatticeClientException} before anything is sent.
         *
         * @param value any value the client's mapper can serialize, required
         * @return this builder
         */
        Builder jsonBody(Object value);

        /**
         * Serializes {@code value} to JSON with the given {@link ObjectMapper} now (not the client's), and sets
         * {@code Content-Type: application/json} unless already set.
         *
         * @param value any value {@code mapper} can serialize
         * @param mapper the mapper, required
         * @return this builder
         * @throws IllegalArgumentException if the mapper cannot serialize the value
         */
        Builder jsonBody(Object value, ObjectMapper mapper);

        /**
         * Overrides whether the request may be retried after a failure that may have reached the service, or a
         * 429/502/503/504 answer; by default only idempotent methods are. Set {@code true} for a POST that the service
         * treats idempotently. Failures that prove nothing was sent are retried for every method.
         *
         * @param retryable whether retries are allowed
         * @return this builder
         */
        Builder retryable(boolean retryable);

        /**
         * Bounds this call, with its retries and backoff, by its own timeout instead of the client's
         * ({@link dev.vpclattice.client.LatticeClient.Builder#callTimeout(Duration)}). Useful to stay within what
         * is left of a Lambda invocation. Default: none, the client's applies.
         *
         * @param callTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        Builder callTimeout(Duration callTimeout);

        /**
         * Builds the immutable request.
         *
         * @return the request; without a url, a request that only a client built with
         *     {@link LatticeClient.Builder#service(String)} sends
         */
        LatticeRequest build();
    }

    private static final class DefaultBuilder implements Builder {
        private String method = "GET";
        private String scheme;
        private String host;
        private int port = -1;
        private String encodedPath = "";
        private final Map<String, List<String>> queryParameters = new LinkedHashMap<>();
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body;
        private Object jsonValue;
        private Boolean retryable;
        private Duration callTimeout;

        DefaultBuilder() {}

        DefaultBuilder(LatticeRequest r) {
            method = r.method;
            scheme = r.scheme;
            host = r.host;
            port = r.port;
            encodedPath = r.encodedPath;
            r.queryParameters.forEach((k, v) -> queryParameters.put(k, new ArrayList<>(v)));
            r.headers.forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            body = r.body;
            jsonValue = r.jsonValue;
            retryable = r.retryable;
            callTimeout = r.callTimeout;
        }

        @Override
        public Builder method(String value) {
            Objects.requireNonNull(value, "method");
            String upper = value.toUpperCase(Locale.ROOT);
            if (!METHODS.contains(upper)) {
                throw new IllegalArgumentException("Unsupported HTTP method '" + value + "': use one of "
                        + METHODS.stream().sorted().toList());
            }
            method = upper;
            return this;
        }

        @Override
        public Builder url(String dnsNameOrUrl) {
            Objects.requireNonNull(dnsNameOrUrl, "url");
            String text = dnsNameOrUrl.strip();
            if (!text.contains("://")) {
                text = "https://" + text;
            }
            try {
                return url(new URI(text));
            } catch (URISyntaxException e) {
                // Neither the text nor the cause is kept: both would echo a query that may carry a token.
                throw new IllegalArgumentException(
                        "Not a DNS name or URL: " + e.getReason() + " at index " + e.getIndex());
            }
        }

        @Override
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            String s = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
            if (!"https".equals(s) && !"http".equals(s)) {
                throw new IllegalArgumentException(
                        "The url must use https (or http without signing), got: '" + redact(url) + "'");
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw new IllegalArgumentException("The url has no host: '" + redact(url) + "'");
            }
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("The url must not carry user info: '" + url.getHost() + "'");
            }
            scheme = s;
            host = url.getHost();
            port = url.getPort();
            encodedPath = url.getRawPath() == null ? "" : url.getRawPath();
            queryParameters.clear();
            // The project's one query rule: '+' stays a plus sign, a malformed escape is refused without echoing it.
            QueryStrings.parseStrict(url.getRawQuery())
                    .forEach((name, values) -> values.forEach(value -> queryParameter(name, value)));
            return this;
        }

        private static String redact(URI url) {
            return LatticeRequest.redact(url.getScheme(), url.getHost(), url.getPort(), url.getRawPath());
        }

        @Override
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException(
                        "The path must not contain a query or fragment (use queryParameter): '"
                                + path.split("[?#]", 2)[0] + "?...'");
            }
            try {
                new URI(null, null, path.startsWith("/") ? path : "/" + path, null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Not a valid encoded path: '" + path + "'", e);
            }
            String base = encodedPath.endsWith("/") ? encodedPath.substring(0, encodedPath.length() - 1) : encodedPath;
            encodedPath = base + (path.startsWith("/") ? path : "/" + path);
            return this;
        }

        @Override
        public Builder queryParameter(String name, String value) {
            Objects.requireNonNull(name, "query parameter name");
            Objects.requireNonNull(value, "query parameter value");
            queryParameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        @Override
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("Not a valid header name: '" + name + "'");
            }
            if (COMPUTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "The " + name + " header is computed by the client and cannot be set");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("The value of header " + name + " contains a line break");
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        @Override
        public Builder body(byte[] value) {
            return bodyFromByteArrayUnsafe(value == null ? null : value.clone());
        }

        @Override
        public Builder bodyFromByteArrayUnsafe(byte[] value) {
            body = value;
            jsonValue = null;
            return this;
        }

        @Override
        public Builder body(String value) {
            Objects.requireNonNull(value, "body");
            bodyFromByteArrayUnsafe(value.getBytes(StandardCharsets.UTF_8));
            headers.putIfAbsent("Content-Type", new ArrayList<>(List.of("text/plain; charset=UTF-8")));
            return this;
        }

        @Override
        public Builder jsonBody(Object value) {
            Objects.requireNonNull(value, "jsonBody value");
            body = null;
            jsonValue = value;
            headers.putIfAbsent("Content-Type", new ArrayList<>(List.of("application/json")));
            return this;
        }

        @Override
        public Builder jsonBody(Object value, ObjectMapper mapper) {
            Objects.requireNonNull(mapper, "mapper");
            try {
                bodyFromByteArrayUnsafe(mapper.writeValueAsBytes(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "Cannot serialize a "
                                + (value == null ? "null" : value.getClass().getName()) + " to JSON: "
                                + e.getOriginalMessage(),
                        e);
            }
            headers.putIfAbsent("Content-Type", new ArrayList<>(List.of("application/json")));
            return this;
        }

        @Override
        public Builder retryable(boolean value) {
            retryable = value;
            return this;
        }

        @Override
        public Builder callTimeout(Duration value) {
            callTimeout = Durations.requirePositive("callTimeout", value);
            return this;
        }

        @Override
        public LatticeRequest build() {
            return new LatticeRequest(this);
        }
    }
}
