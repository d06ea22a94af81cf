package dev.vpclattice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.Durations;
import dev.vpclattice.contract.QueryStrings;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * An immutable, thread-safe HTTP request to a service behind VPC Lattice, made with {@link #builder()} and sent by
 * {@link LatticeClient} or {@link LatticeAsyncClient}.
 */
public final class LatticeRequest {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH");
    private static final Set<String> COMPUTED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "expect");
    /** What RFC 3986 allows unescaped in a path: unreserved, sub-delims, ':', '@' and '/'. */
    private static final java.util.BitSet PATH_CHARS = new java.util.BitSet(128);

    static {
        String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/";
        for (int i = 0; i < allowed.length(); i++) {
            PATH_CHARS.set(allowed.charAt(i));
        }
    }

    private final String method;
    private final String scheme;
    private final String host;
    private final int port;
    private final String encodedPath;
    private final Map<String, List<String>> queryParameters;
    private final Map<String, List<String>> headers;
    /** Never changed once stored: builders replace the array instead of writing into it, so it is shared freely. */
    private final byte[] body;

    private final InputStream bodyStream;
    private final Path bodyFile;
    private final long bodyStreamLength;

    private final Object jsonValue;
    private final boolean retryable;
    private final Duration callTimeout;
    private String redactedUrl;

    private LatticeRequest(DefaultBuilder b) {
        this.method = b.method;
        this.scheme = b.scheme;
        this.host = b.host;
        this.port = b.port;
        String path = joinPaths(b.urlPath, b.addedPath);
        this.encodedPath = path.isEmpty() ? "/" : path;
        Map<String, List<String>> query = new LinkedHashMap<>();
        b.urlQuery.forEach(
                (k, v) -> query.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        b.addedQuery.forEach(
                (k, v) -> query.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        this.queryParameters = deepCopy(query, new LinkedHashMap<>());
        this.headers = deepCopy(b.headers, new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
        this.body = b.body;
        this.bodyStream = b.bodyStream;
        this.bodyFile = b.bodyFile;
        this.bodyStreamLength = b.bodyStreamLength;
        this.jsonValue = b.jsonValue;
        this.retryable = b.retryable != null ? b.retryable : IDEMPOTENT.contains(method);
        this.callTimeout = b.callTimeout;
    }

    private static String joinPaths(String first, String second) {
        if (second.isEmpty()) {
            return first;
        }
        String base = first.endsWith("/") ? first.substring(0, first.length() - 1) : first;
        return base + (second.startsWith("/") ? second : "/" + second);
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
        String query =
                SdkHttpUtils.encodeAndFlattenQueryParameters(queryParameters).orElse(null);
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
     *     request has no body, a {@linkplain #jsonValue() JSON value} that the client serializes when it sends, or a
     *     {@linkplain #bodyStream() stream} or {@linkplain #bodyFile() file}
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
     * Returns the stream set with {@link Builder#body(InputStream, long)}; the client reads it once, when it sends.
     *
     * @return the stream, or empty when the body is not a stream
     */
    public Optional<InputStream> bodyStream() {
        return Optional.ofNullable(bodyStream);
    }

    /**
     * Returns the file set with {@link Builder#body(Path)}; the client reads it afresh for every attempt.
     *
     * @return the file, or empty when the body is not a file
     */
    public Optional<Path> bodyFile() {
        return Optional.ofNullable(bodyFile);
    }

    /**
     * Returns the length that was given with {@link Builder#body(InputStream, long)}.
     *
     * @return the length in bytes, or -1 when the body is not a stream
     */
    public long bodyStreamLength() {
        return bodyStream == null ? -1 : bodyStreamLength;
    }

    /**
     * Percent-encodes one path segment as RFC 3986 requires (a space as {@code %20}, {@code /} as {@code %2F}), for
     * {@link Builder#path(String)}; {@link Builder#pathSegments(String...)} does it for you.
     *
     * @param segment the raw segment, e.g. {@code my report.pdf}
     * @return the encoded segment, e.g. {@code my%20report.pdf}
     */
    public static String encodePathSegment(String segment) {
        Objects.requireNonNull(segment, "segment");
        return SdkHttpUtils.urlEncode(segment);
    }

    /**
     * Returns the value set with {@link Builder#jsonBody(Object)}, which the client serializes with its own
     * {@link ObjectMapper} ({@link LatticeClient.Builder#objectMapper(ObjectMapper)}) when it sends the request: the
     * value itself, not a copy.
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
     *     methods GET, HEAD, OPTIONS, PUT and DELETE, {@code false} for POST and PATCH. A request whose body is an
     *     {@link InputStream} is sent at most once whatever this says: the stream cannot be read twice.
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
         * @throws IllegalArgumentException if it is not one of those
         */
        Builder method(String method);

        /**
         * Sets the target: either a DNS name such as {@code svc-1.abc.vpc-lattice-svcs.us-east-1.on.aws}, which
         * means {@code https://<name>/}, or a full {@code https://} (or {@code http://}) URL with optional port, path
         * and query. Replaces the url set earlier with its path and query, but not what {@link #path(String)} and
         * {@link #queryParameter(String, String)} added, before or after. Required, unless the client that sends the
         * request was built with {@link LatticeClient.Builder#service(String)}: a request without a url goes to that
         * service.
         *
         * @param dnsNameOrUrl the DNS name or URL
         * @return this builder
         * @throws IllegalArgumentException if the value is not a host name or an http(s) URL with a host; the message
         *     never quotes the query
         */
        Builder url(String dnsNameOrUrl);

        /**
         * Sets the target URL, as {@link #url(String)} does.
         *
         * @param url an absolute http or https URL with a host
         * @return this builder
         * @throws IllegalArgumentException if it is not an http(s) URL with a host, or carries user info
         */
        Builder url(URI url);

        /**
         * Appends a path, percent-encoded as it goes on the wire (e.g. {@code /orders/a%20b}), after the url's path
         * and the paths appended before; a single slash joins them. Encode raw segments with
         * {@link #pathSegments(String...)} or {@link LatticeRequest#encodePathSegment(String)}.
         *
         * @param encodedPath the path, e.g. {@code /orders}
         * @return this builder
         * @throws IllegalArgumentException if it contains a character that must be percent-encoded (a space, a
         *     {@code ?} or {@code #}, a non-ASCII character) or a malformed escape; the message names the position,
         *     not the text
         */
        Builder path(String encodedPath);

        /**
         * Appends raw path segments, each percent-encoded with {@link LatticeRequest#encodePathSegment(String)}:
         * {@code pathSegments("documents", "my report.pdf")} appends {@code /documents/my%20report.pdf}.
         *
         * @param segments the raw segments; a {@code /} inside one is encoded, not a separator
         * @return this builder
         */
        Builder pathSegments(String... segments);

        /**
         * Adds a query parameter value (not encoded; the client encodes it), after the url's own parameters.
         *
         * @param name the parameter name
         * @param value the value
         * @return this builder
         */
        Builder queryParameter(String name, String value);

        /**
         * Sets a header to one value, replacing any values it had. {@code Host}, {@code Content-Length},
         * {@code Transfer-Encoding} and {@code Expect} are computed and cannot be set. With signing,
         * {@code Authorization} and {@code X-Amz-*} signing headers are replaced.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the name is not an HTTP token or is computed, or the value has a line
         *     break
         */
        Builder putHeader(String name, String value);

        /**
         * Sets a header to these values, replacing any values it had, with the rules of {@link #putHeader(String,
         * String)}.
         *
         * @param name the header name
         * @param values the values, at least one
         * @return this builder
         * @throws IllegalArgumentException as {@link #putHeader(String, String)}, or if there is no value
         */
        Builder putHeader(String name, List<String> values);

        /**
         * Adds a value to a header, after the values it has, with the rules of {@link #putHeader(String, String)}.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException as {@link #putHeader(String, String)}
         */
        Builder appendHeader(String name, String value);

        /**
         * Adds a value to a header: the same as {@link #appendHeader(String, String)}, kept for code written before it.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException as {@link #putHeader(String, String)}
         */
        Builder header(String name, String value);

        /**
         * Removes a header and its values.
         *
         * @param name the header name, case-insensitive
         * @return this builder
         */
        Builder removeHeader(String name);

        /**
         * Sets the body. No body by default. Replaces a body set earlier.
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
         * Streams the body from {@code stream}, which the client reads once when it sends, up to {@code contentLength}
         * bytes, without holding it in memory. The caller closes the stream. Such a request is sent at most once: a
         * stream cannot be read again for a retry (use {@link #body(Path)} for a body that can).
         *
         * @param stream the stream, required
         * @param contentLength how many bytes it holds, sent as {@code Content-Length}
         * @return this builder
         * @throws IllegalArgumentException if the length is negative
         */
        Builder body(InputStream stream, long contentLength);

        /**
         * Streams the body from a file, which the client reads afresh for every attempt, so the request is retried as
         * a byte body is. Its length is taken when it is sent.
         *
         * @param file the file, required
         * @return this builder
         */
        Builder body(Path file);

        /**
         * Sets a JSON body: the client serializes {@code value} with its {@link ObjectMapper} (the one that also maps
         * responses, see {@link LatticeClient.Builder#objectMapper(ObjectMapper)}) once per call, when it sends, so a
         * change to {@code value} before then is sent: do not change it, or use
         * {@link #jsonBody(Object, ObjectMapper)}, which serializes now. Sets {@code Content-Type: application/json}
         * unless already set. A value the mapper cannot serialize fails the call with a {@link LatticeClientException}
         * before anything is sent.
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
         * treats idempotently. Failures that prove nothing was sent are retried for every method. A stream body is
         * never sent twice.
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
        private String urlPath = "";
        private String addedPath = "";
        private final Map<String, List<String>> urlQuery = new LinkedHashMap<>();
        private final Map<String, List<String>> addedQuery = new LinkedHashMap<>();
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body;
        private InputStream bodyStream;
        private Path bodyFile;
        private long bodyStreamLength;
        private Object jsonValue;
        private Boolean retryable;
        private Duration callTimeout;

        DefaultBuilder() {}

        DefaultBuilder(LatticeRequest r) {
            method = r.method;
            scheme = r.scheme;
            host = r.host;
            port = r.port;
            // The url keeps scheme, host and port; path and query come back as if added, so a new url() keeps them.
            addedPath = r.encodedPath.equals("/") && r.scheme != null ? "" : r.encodedPath;
            r.queryParameters.forEach((k, v) -> addedQuery.put(k, new ArrayList<>(v)));
            r.headers.forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            body = r.body;
            bodyStream = r.bodyStream;
            bodyFile = r.bodyFile;
            bodyStreamLength = r.bodyStreamLength;
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
            String rawPath = url.getRawPath() == null ? "" : url.getRawPath();
            checkEncodedPath(rawPath);
            // The project's one query rule: '+' stays a plus sign, a malformed escape is refused without echoing it.
            Map<String, List<String>> query = QueryStrings.parseStrict(url.getRawQuery());
            scheme = s;
            host = url.getHost();
            port = url.getPort();
            urlPath = rawPath;
            urlQuery.clear();
            query.forEach((name, values) -> urlQuery.put(name, new ArrayList<>(values)));
            return this;
        }

        private static String redact(URI url) {
            return LatticeRequest.redact(url.getScheme(), url.getHost(), url.getPort(), url.getRawPath());
        }

        @Override
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            checkEncodedPath(path);
            addedPath = joinPaths(addedPath, path);
            return this;
        }

        @Override
        public Builder pathSegments(String... segments) {
            Objects.requireNonNull(segments, "segments");
            StringBuilder encoded = new StringBuilder();
            for (String segment : segments) {
                encoded.append('/').append(encodePathSegment(segment));
            }
            addedPath = joinPaths(addedPath, encoded.toString());
            return this;
        }

        /** Refuses what a signer or HTTP client would refuse later, naming the position but never the text. */
        private static void checkEncodedPath(String path) {
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c == '%') {
                    if (i + 2 >= path.length() || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0) {
                        throw new IllegalArgumentException("Not a valid encoded path: a '%' at index " + i
                                + " does not start a percent escape (%XX); encode raw text with pathSegments(...)");
                    }
                    i += 2;
                } else if (!PATH_CHARS.get(c)) {
                    String what = c > 0x20 && c < 0x7f ? "a '" + c + "'" : String.format("character U+%04X", (int) c);
                    String advice = c == '?' || c == '#'
                            ? "; put the query in queryParameter(...)"
                            : "; encode raw text with pathSegments(...) or LatticeRequest.encodePathSegment(...)";
                    throw new IllegalArgumentException("Not a valid encoded path: " + what + " at index " + i
                            + " must be percent-encoded" + advice);
                }
            }
        }

        private static int hex(char c) {
            return Character.digit(c, 16);
        }

        @Override
        public Builder queryParameter(String name, String value) {
            Objects.requireNonNull(name, "query parameter name");
            Objects.requireNonNull(value, "query parameter value");
            addedQuery.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        @Override
        public Builder putHeader(String name, String value) {
            checkHeader(name, value);
            headers.put(name, new ArrayList<>(List.of(value)));
            return this;
        }

        @Override
        public Builder putHeader(String name, List<String> values) {
            Objects.requireNonNull(values, "header values");
            if (values.isEmpty()) {
                throw new IllegalArgumentException("putHeader(" + name + ", ...) needs at least one value");
            }
            values.forEach(value -> checkHeader(name, value));
            headers.put(name, new ArrayList<>(values));
            return this;
        }

        @Override
        public Builder appendHeader(String name, String value) {
            checkHeader(name, value);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        @Override
        public Builder header(String name, String value) {
            return appendHeader(name, value);
        }

        @Override
        public Builder removeHeader(String name) {
            headers.remove(Objects.requireNonNull(name, "header name"));
            return this;
        }

        private static void checkHeader(String name, String value) {
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
        }

        private void clearBody() {
            body = null;
            bodyStream = null;
            bodyFile = null;
            bodyStreamLength = 0;
            jsonValue = null;
        }

        @Override
        public Builder body(byte[] value) {
            return bodyFromByteArrayUnsafe(value == null ? null : value.clone());
        }

        @Override
        public Builder bodyFromByteArrayUnsafe(byte[] value) {
            clearBody();
            body = value;
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
        public Builder body(InputStream stream, long contentLength) {
            Objects.requireNonNull(stream, "stream");
            if (contentLength < 0) {
                throw new IllegalArgumentException("contentLength must not be negative, got " + contentLength);
            }
            clearBody();
            bodyStream = stream;
            bodyStreamLength = contentLength;
            return this;
        }

        @Override
        public Builder body(Path file) {
            Objects.requireNonNull(file, "file");
            clearBody();
            bodyFile = file;
            return this;
        }

        @Override
        public Builder jsonBody(Object value) {
            Objects.requireNonNull(value, "jsonBody value");
            clearBody();
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
                // Not Jackson's message: it can quote the value.
                throw new IllegalArgumentException(
                        "Cannot serialize a "
                                + (value == null ? "null" : value.getClass().getName()) + " to JSON ("
                                + e.getClass().getSimpleName() + ")",
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
