package dev.vpclattice.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.internal.DefaultObjectMapper;
import dev.vpclattice.contract.LatticeHeaders;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable, thread-safe HTTP response from a service behind VPC Lattice, returned whatever its status;
 * {@link #ensureSuccess()} turns a non-2xx answer into a {@link LatticeServiceException}.
 */
public final class LatticeResponse {
    private static final Pattern ERROR_PREFIX =
            Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9.]*(?:Exception|Error|Fault)):\\s?(.*)", Pattern.DOTALL);
    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([^\";\\s]+)");
    private static final int MAX_MESSAGE = 1024;
    private static final byte[] EMPTY = new byte[0];

    private final int statusCode;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final int attempts;
    private final ObjectMapper mapper;
    private final LatticeRequest request;

    private LatticeResponse(DefaultBuilder b) {
        if (b.statusCode < 100 || b.statusCode > 599) {
            throw new IllegalArgumentException("Not an HTTP status code (100-599): " + b.statusCode);
        }
        this.statusCode = b.statusCode;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((k, v) -> copy.merge(k, List.copyOf(v), (a, c) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(c);
            return List.copyOf(all);
        }));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = b.body;
        this.attempts = b.attempts;
        this.mapper = b.mapper;
        this.request = b.request;
    }

    /**
     * Returns a builder, mainly for tests and for adapters; the status is required, the body defaults to empty.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new DefaultBuilder();
    }

    /**
     * Returns the HTTP status code.
     *
     * @return the status, e.g. 200
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns whether the status is 2xx.
     *
     * @return {@code true} for 200-299
     */
    public boolean isSuccessful() {
        return statusCode >= 200 && statusCode < 300;
    }

    /**
     * Returns all headers; lookups ignore case.
     *
     * @return an unmodifiable map with case-insensitive keys to all values of each header
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * Returns all values of a header.
     *
     * @param name the header name, case-insensitive
     * @return the values, empty when absent
     */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, case-insensitive
     * @return the value, or empty when absent
     */
    public Optional<String> firstHeader(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Returns a copy of the body.
     *
     * @return the body bytes, empty when the response had none
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * Returns the body without copying it, like the SDK's {@code SdkBytes.asByteArrayUnsafe()}: the caller must not
     * change the array.
     *
     * @return the body bytes, empty when the response had none
     */
    public byte[] bodyAsByteArrayUnsafe() {
        return body;
    }

    /**
     * Returns the length of the body in bytes, without copying it.
     *
     * @return the length, 0 when the response had no body
     */
    public int bodyLength() {
        return body.length;
    }

    /**
     * Returns the ID that Lattice gave the request, from the {@code x-amzn-requestid} response header; Lattice adds it
     * to every answer, or echoes the one the client sent.
     *
     * @return the request ID, or empty when the answer carried none (a service reached without Lattice)
     */
    public Optional<String> requestId() {
        return firstHeader(LatticeHeaders.REQUEST_ID);
    }

    /**
     * Returns the request that produced this response.
     *
     * @return the request, or empty for a response built without one (tests, adapters)
     */
    public Optional<LatticeRequest> request() {
        return Optional.ofNullable(request);
    }

    /**
     * Returns the body decoded with the charset of its {@code Content-Type}, UTF-8 by default.
     *
     * @return the text
     */
    public String bodyAsString() {
        return new String(body, charset());
    }

    /**
     * Maps the JSON body to a type with the client's {@link ObjectMapper}; by default unknown properties are ignored,
     * so a class may model only the fields it needs, and {@code java.time} types are understood.
     *
     * @param type the target class, required
     * @param <T> the target type
     * @return the value
     * @throws LatticeServiceException if the status is not 2xx: the error, not a mapping failure
     * @throws LatticeClientException if the body is not JSON of that shape; its cause is Jackson's exception
     */
    public <T> T bodyAs(Class<T> type) {
        Objects.requireNonNull(type, "type");
        ensureSuccess();
        try {
            return mapper().readValue(body, type);
        } catch (IOException e) {
            throw cannotMap(type.getName(), e);
        }
    }

    /**
     * Maps the JSON body to a generic type with the client's {@link ObjectMapper}.
     *
     * @param type the target type, e.g. {@code new TypeReference<List<Order>>() {}}, required
     * @param <T> the target type
     * @return the value
     * @throws LatticeServiceException if the status is not 2xx: the error, not a mapping failure
     * @throws LatticeClientException if the body is not JSON of that shape; its cause is Jackson's exception
     */
    public <T> T bodyAs(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        ensureSuccess();
        try {
            return mapper().readValue(body, type);
        } catch (IOException e) {
            throw cannotMap(type.getType().getTypeName(), e);
        }
    }

    private LatticeClientException cannotMap(String type, IOException e) {
        // Neither Jackson's message nor its original message: both can quote the body.
        String where = "";
        if (e instanceof com.fasterxml.jackson.core.JacksonException) {
            com.fasterxml.jackson.core.JsonLocation location =
                    ((com.fasterxml.jackson.core.JacksonException) e).getLocation();
            if (location != null && location.getLineNr() > 0) {
                where = " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            }
        }
        return new LatticeClientException(
                "Cannot map the " + body.length + "-byte body of the HTTP " + statusCode + " answer"
                        + (request == null ? "" : " to " + request) + " to " + type + " ("
                        + e.getClass().getSimpleName() + where + ")",
                e,
                attempts,
                LatticeClientException.FailureKind.CLIENT,
                false);
    }

    private ObjectMapper mapper() {
        return mapper != null ? mapper : DefaultObjectMapper.get();
    }

    /**
     * Returns how many attempts the client made to obtain this response.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Returns this response when it is 2xx, else throws {@link #toException()}.
     *
     * @return this response
     * @throws LatticeServiceException for a non-2xx status
     */
    public LatticeResponse ensureSuccess() {
        if (!isSuccessful()) {
            throw toException();
        }
        return this;
    }

    /**
     * Describes this response as an exception, with the error code and message read from the {@code x-amzn-ErrorType}
     * header, a JSON body ({@code {"__type": ..., "message": ...}}, {@code {"code": ...}}) or a text body
     * ({@code AccessDeniedException: User: ...}).
     *
     * @return the exception (not thrown)
     */
    public LatticeServiceException toException() {
        String code = firstHeader("x-amzn-ErrorType")
                .map(v -> v.split(":", 2)[0].trim())
                .orElse("");
        String message = "";
        String text = bodyAsString();
        ErrorBody json = ErrorBody.parseJson(text, mapper());
        if (json != null) {
            code = code.isEmpty() ? json.code : code;
            message = json.message;
        } else {
            message = text.strip();
            Matcher m = ERROR_PREFIX.matcher(text);
            if (m.matches()) {
                if (code.isEmpty()) {
                    code = m.group(1);
                }
                if (code.equals(m.group(1))) {
                    message = m.group(2).strip();
                }
            }
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        return new LatticeServiceException(statusCode, code, message, this);
    }

    /** The code and message of a JSON error body, in the shapes AWS services and web frameworks use. */
    private static final class ErrorBody {
        final String code;
        final String message;

        private ErrorBody(String code, String message) {
            this.code = code;
            this.message = message;
        }

        static ErrorBody parseJson(String text, ObjectMapper mapper) {
            String trimmed = text.strip();
            if (!trimmed.startsWith("{")) {
                return null;
            }
            com.fasterxml.jackson.databind.JsonNode tree;
            try {
                tree = mapper.readTree(trimmed);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            if (tree == null || !tree.isObject()) {
                return null;
            }
            String code = firstText(tree, "__type", "code", "Code", "errorCode", "error");
            int hash = code.lastIndexOf('#');
            if (hash >= 0) {
                // Coral's "com.amazon.coral.service#ThrottlingException"
                code = code.substring(hash + 1);
            }
            int colon = code.indexOf(':');
            if (colon > 0) {
                code = code.substring(0, colon);
            }
            return new ErrorBody(
                    code.strip(),
                    firstText(tree, "message", "Message", "errorMessage").strip());
        }

        private static String firstText(com.fasterxml.jackson.databind.JsonNode tree, String... names) {
            for (String name : names) {
                com.fasterxml.jackson.databind.JsonNode value = tree.get(name);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    return value.asText();
                }
            }
            return "";
        }
    }

    private Charset charset() {
        Optional<String> type = firstHeader("Content-Type");
        if (type.isPresent()) {
            Matcher m = CHARSET.matcher(type.get());
            if (m.find()) {
                try {
                    return Charset.forName(m.group(1).toUpperCase(Locale.ROOT));
                } catch (RuntimeException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public String toString() {
        return "LatticeResponse[status=" + statusCode + ", bodyBytes=" + body.length + ", attempts=" + attempts + "]";
    }

    /** Builds a {@link LatticeResponse}. Not thread-safe. */
    public interface Builder {
        /**
         * Sets the status code. Required.
         *
         * @param statusCode 100-599
         * @return this builder
         */
        Builder statusCode(int statusCode);

        /**
         * Adds a header value.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        Builder header(String name, String value);

        /**
         * Sets the body; default empty.
         *
         * @param body the bytes, copied
         * @return this builder
         */
        Builder body(byte[] body);

        /**
         * Sets the body without copying it; the caller must not change the array afterwards.
         *
         * @param body the bytes, not copied; {@code null} for none
         * @return this builder
         */
        Builder bodyFromByteArrayUnsafe(byte[] body);

        /**
         * Sets the request that produced the response, which messages then name (method and URL without query).
         *
         * @param request the request
         * @return this builder
         */
        Builder request(LatticeRequest request);

        /**
         * Sets how many attempts produced the response; default 1.
         *
         * @param attempts at least 1
         * @return this builder
         */
        Builder attempts(int attempts);

        /**
         * Sets the mapper used by {@code bodyAs}; default the library's shared mapper (unknown properties ignored,
         * {@code java.time} supported), created on first use.
         *
         * @param mapper the mapper
         * @return this builder
         */
        Builder objectMapper(ObjectMapper mapper);

        /**
         * Builds the response.
         *
         * @return the response
         * @throws IllegalArgumentException if the status is not 100-599
         */
        LatticeResponse build();
    }

    private static final class DefaultBuilder implements Builder {
        private int statusCode;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body = EMPTY;
        private int attempts = 1;
        private ObjectMapper mapper;
        private LatticeRequest request;

        @Override
        public Builder statusCode(int value) {
            statusCode = value;
            return this;
        }

        @Override
        public Builder header(String name, String value) {
            headers.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(value, "value"));
            return this;
        }

        @Override
        public Builder body(byte[] value) {
            return bodyFromByteArrayUnsafe(value == null ? null : value.clone());
        }

        @Override
        public Builder bodyFromByteArrayUnsafe(byte[] value) {
            body = value == null ? EMPTY : value;
            return this;
        }

        @Override
        public Builder request(LatticeRequest value) {
            request = Objects.requireNonNull(value, "request");
            return this;
        }

        @Override
        public Builder attempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, got " + value);
            }
            attempts = value;
            return this;
        }

        @Override
        public Builder objectMapper(ObjectMapper value) {
            mapper = Objects.requireNonNull(value, "objectMapper");
            return this;
        }

        @Override
        public LatticeResponse build() {
            return new LatticeResponse(this);
        }
    }
}
