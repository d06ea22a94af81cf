package dev.vpclattice.events;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.EventVersion.TopLevel;
import dev.vpclattice.contract.QueryStrings;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event VPC Lattice sends to a Lambda target whose target group's {@code LambdaEventStructureVersion} is
 * {@code V1}, the default: a bean named after the snake_case JSON fields, so that both {@link VpcLatticeEventCodec}
 * and the Lambda runtime's own serializer bind it. Not thread-safe.
 */
public final class VpcLatticeV1Request implements VpcLatticeRequest {
    private String raw_path;
    private String method;
    private Map<String, String> headers;
    private Map<String, String> query_string_parameters;
    private String body;
    private boolean is_base64_encoded;

    /** Creates an empty event; every field is null (false for {@code is_base64_encoded}). Prefer {@link #builder()}. */
    public VpcLatticeV1Request() {}

    /**
     * Starts an event as Lattice builds one: repeated headers joined, the last value of a repeated query key kept.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the request path as Lattice sent it, with its query in AWS's example.
     *
     * @return the path, for example {@code /orders?id=1}; see {@link #pathWithoutQuery()}
     */
    public String getRaw_path() {
        return raw_path;
    }

    /**
     * Sets the request path.
     *
     * @param raw_path the path, with or without its query
     */
    public void setRaw_path(String raw_path) {
        this.raw_path = raw_path;
    }

    /**
     * Returns the HTTP method.
     *
     * @return the method in upper case, for example {@code GET}
     */
    @Override
    public String getMethod() {
        return method;
    }

    /**
     * Sets the HTTP method.
     *
     * @param method the method
     */
    public void setMethod(String method) {
        this.method = method;
    }

    /**
     * Returns the request headers, one string each; see {@link #header(String)} for a case-insensitive lookup.
     *
     * @return header name to value, the values of a repeated header joined with {@code ", "}
     */
    public Map<String, String> getHeaders() {
        return headers;
    }

    /**
     * Sets the request headers.
     *
     * @param headers header name to value
     */
    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }

    /**
     * Returns the query parameters as Lattice sent them, already decoded; see {@link #queryParameters()}.
     *
     * @return parameter name to its last value
     */
    public Map<String, String> getQuery_string_parameters() {
        return query_string_parameters;
    }

    /**
     * Sets the query parameters.
     *
     * @param query_string_parameters parameter name to value
     */
    public void setQuery_string_parameters(Map<String, String> query_string_parameters) {
        this.query_string_parameters = query_string_parameters;
    }

    /**
     * Returns the body.
     *
     * @return text, or base64 when {@link #getIs_base64_encoded()}; see {@link #decodeBody()} for bytes
     */
    public String getBody() {
        return body;
    }

    /**
     * Sets the body.
     *
     * @param body text, or base64
     */
    public void setBody(String body) {
        this.body = body;
    }

    /**
     * Returns whether the body is base64.
     *
     * @return whether {@link #getBody()} is base64; false when the event does not say
     */
    public boolean getIs_base64_encoded() {
        return is_base64_encoded;
    }

    /**
     * Sets whether the body is base64.
     *
     * @param is_base64_encoded whether the body is base64
     */
    public void setIs_base64_encoded(boolean is_base64_encoded) {
        this.is_base64_encoded = is_base64_encoded;
    }

    /**
     * Refuses a V2 event as the Lambda runtime's serializer binds it: only a V2 event has a {@code version} field,
     * and a V2 event bound into this class would lose its query, its multi-value headers and its caller. Not a
     * property: {@link VpcLatticeEventCodec} checks the version before binding.
     *
     * @param version the event's {@code version} field
     * @throws InvalidLatticeEventException unless the version is null or starts with {@code 1}; the message names
     *     the target group setting {@code LambdaEventStructureVersion}
     */
    public void setVersion(String version) {
        EventVersion.V1
                .refusal(TopLevel.version(version).withVersion1Field(true))
                .ifPresent(message -> {
                    throw new InvalidLatticeEventException(message);
                });
    }

    /**
     * Returns {@link EventVersion#V1}.
     *
     * @return {@link EventVersion#V1}
     */
    @Override
    public EventVersion eventVersion() {
        return EventVersion.V1;
    }

    /**
     * Decodes the body.
     *
     * @return the body bytes: base64-decoded when {@code is_base64_encoded}, else the UTF-8 bytes of the text; an
     *     empty array when there is no body
     * @throws InvalidLatticeEventException if {@code is_base64_encoded} is true and the body is not valid base64
     */
    @Override
    public byte[] decodeBody() {
        return Bodies.decode(body, is_base64_encoded, "body");
    }

    /**
     * Finds a header's value, ignoring the case of the name.
     *
     * @param name the header name; required
     * @return the value of the first header with that name (all its values, joined with {@code ", "}), or empty
     */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name");
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey()) && e.getValue() != null) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the query parameters: {@code query_string_parameters} when the event has them, otherwise those parsed
     * from the query in {@link #getRaw_path()} by {@link QueryStrings#parse(String)}, keeping the last value of a
     * repeated name as Lattice does.
     *
     * @return an unmodifiable map of parameter name to value, in the order received; empty when there are none
     */
    public Map<String, String> queryParameters() {
        Map<String, String> result = new LinkedHashMap<>();
        if (query_string_parameters != null) {
            result.putAll(query_string_parameters);
        } else {
            QueryStrings.parse(QueryStrings.queryOf(raw_path))
                    .forEach((name, values) -> result.put(name, values.get(values.size() - 1)));
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Returns the path without its query: {@code /orders?id=1} gives {@code /orders}. Use it wherever a path is
     * logged or routed on, since a query may carry a token.
     *
     * @return the path before any {@code ?}; null when the event has no path
     */
    @Override
    public String pathWithoutQuery() {
        return QueryStrings.withoutQuery(raw_path);
    }

    @Override
    public String toString() {
        // Header values and the query are left out: they may carry credentials.
        return "VpcLatticeV1Request{method=" + method + ", path=" + pathWithoutQuery() + ", headers="
                + (headers == null ? null : headers.keySet()) + "}";
    }

    /**
     * Builds a {@link VpcLatticeV1Request} the way Lattice fills one. Not thread-safe; each {@link #build()} returns
     * a new event.
     */
    public static final class Builder {
        private String rawPath;
        private String method;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private boolean anyQuery;
        private String body;
        private boolean isBase64Encoded;

        private Builder() {}

        /**
         * Sets the path, with its query as AWS's example shows it.
         *
         * @param rawPath the path, for example {@code /orders?id=1}; required
         * @return this builder
         */
        public Builder rawPath(String rawPath) {
            this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
            return this;
        }

        /**
         * Sets the HTTP method.
         *
         * @param method the method, for example {@code GET}; required
         * @return this builder
         */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * Adds a header value; a second value of the same name is joined to the first with {@code ", "}, as Lattice
         * joins repeated headers.
         *
         * @param name the header name, as it is to appear; required
         * @param value the value; required
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.merge(name, value, (a, b) -> a + EventVersion.V1_HEADER_SEPARATOR + b);
            return this;
        }

        /**
         * Adds every value of each header, in order, as {@link #header(String, String)} does.
         *
         * @param headers header name to values; required
         * @return this builder
         */
        public Builder headers(Map<String, List<String>> headers) {
            headers.forEach((name, values) -> values.forEach(value -> header(name, value)));
            return this;
        }

        /**
         * Adds a query parameter; a later value of the same name replaces an earlier one, as Lattice keeps the last.
         * Once one is added, the query of the raw path is no longer read into {@code query_string_parameters}.
         *
         * @param name the decoded name; required
         * @param value the decoded value; required
         * @return this builder
         */
        public Builder queryParameter(String name, String value) {
            query.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            anyQuery = true;
            return this;
        }

        /**
         * Sets a text body ({@code is_base64_encoded} false).
         *
         * @param body the text; null for none
         * @return this builder
         */
        public Builder body(String body) {
            this.body = body;
            this.isBase64Encoded = false;
            return this;
        }

        /**
         * Sets a binary body, base64-encoded ({@code is_base64_encoded} true).
         *
         * @param body the bytes; required
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.body = Base64.getEncoder().encodeToString(Objects.requireNonNull(body, "body"));
            this.isBase64Encoded = true;
            return this;
        }

        /**
         * Returns a new event with this builder's values.
         *
         * @return a new event; its maps are copies. Without {@link #queryParameter}, {@code query_string_parameters}
         *     holds the query of the raw path, the last value of each name
         */
        public VpcLatticeV1Request build() {
            VpcLatticeV1Request r = new VpcLatticeV1Request();
            r.setRaw_path(rawPath);
            r.setMethod(method);
            r.setHeaders(new LinkedHashMap<>(headers));
            Map<String, String> parameters = new LinkedHashMap<>(query);
            if (!anyQuery) {
                QueryStrings.parse(QueryStrings.queryOf(rawPath))
                        .forEach((name, values) -> parameters.put(name, values.get(values.size() - 1)));
            }
            r.setQuery_string_parameters(parameters);
            r.setBody(body);
            r.setIs_base64_encoded(isBase64Encoded);
            return r;
        }
    }
}
