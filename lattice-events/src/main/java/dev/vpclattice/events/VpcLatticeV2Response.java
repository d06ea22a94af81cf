package dev.vpclattice.events;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a Lambda target returns to VPC Lattice, for events of either version: status, single-valued headers, and a text
 * or base64 body. A bean with a fluent {@link #builder()}; not thread-safe.
 */
public class VpcLatticeV2Response {
    private int statusCode;
    private String statusDescription;
    private Map<String, String> headers;
    private String body;
    private boolean isBase64Encoded;

    /** Creates an empty response: status 0, every other field null or false. Prefer {@link #builder()}. */
    public VpcLatticeV2Response() {}

    /**
     * Starts a response. Defaults: status 200, no status description (see {@link Builder#statusDescription}),
     * no headers, no body.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the HTTP status code.
     *
     * @return the HTTP status code
     */
    public int getStatusCode() {
        return statusCode;
    }

    /**
     * Sets the HTTP status code.
     *
     * @param statusCode the HTTP status code
     */
    public void setStatusCode(int statusCode) {
        this.statusCode = statusCode;
    }

    /**
     * Returns the status line text, for example {@code 200 OK}.
     *
     * @return the status line text, for example {@code 200 OK}; may be null
     */
    public String getStatusDescription() {
        return statusDescription;
    }

    /**
     * Sets the status line text.
     *
     * @param statusDescription the status line text
     */
    public void setStatusDescription(String statusDescription) {
        this.statusDescription = statusDescription;
    }

    /**
     * Returns the response headers, one value each.
     *
     * @return the response headers, one value each; may be null
     */
    public Map<String, String> getHeaders() {
        return headers;
    }

    /**
     * Sets the response headers.
     *
     * @param headers the response headers
     */
    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }

    /**
     * Returns the body as text, or base64 when {@link #getIsBase64Encoded()} is true.
     *
     * @return the body as text, or base64 when {@link #getIsBase64Encoded()} is true; may be null
     */
    public String getBody() {
        return body;
    }

    /**
     * Sets the body as text, or base64.
     *
     * @param body the body as text, or base64
     */
    public void setBody(String body) {
        this.body = body;
    }

    /**
     * Returns whether {@link #getBody()} is base64.
     *
     * @return whether {@link #getBody()} is base64; false by default
     */
    public boolean getIsBase64Encoded() {
        return isBase64Encoded;
    }

    /**
     * Sets whether the body is base64.
     *
     * @param isBase64Encoded whether the body is base64
     */
    public void setIsBase64Encoded(boolean isBase64Encoded) {
        this.isBase64Encoded = isBase64Encoded;
    }

    /**
     * Decodes the body.
     *
     * @return the body bytes: base64-decoded when {@code isBase64Encoded}, else UTF-8; empty when there is no body
     * @throws InvalidLatticeEventException if the body is marked base64 but is not
     */
    public byte[] decodeBody() {
        return Bodies.decode(body, isBase64Encoded, "response body");
    }

    @Override
    public String toString() {
        return "VpcLatticeV2Response{statusCode=" + statusCode + ", headers="
                + (headers == null ? null : headers.keySet()) + "}";
    }

    /** Builds a {@link VpcLatticeV2Response}. Not thread-safe; each {@link #build()} returns a new response. */
    public static final class Builder {
        private int statusCode = 200;
        private String statusDescription;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;
        private boolean isBase64Encoded;

        private Builder() {}

        /**
         * Sets the HTTP status code, 100 to 599.
         *
         * @param statusCode the HTTP status code, 100 to 599; defaults to 200
         * @return this builder
         * @throws IllegalArgumentException if the code is outside 100..599
         */
        public Builder statusCode(int statusCode) {
            if (statusCode < 100 || statusCode > 599) {
                throw new IllegalArgumentException("statusCode must be between 100 and 599, got " + statusCode);
            }
            this.statusCode = statusCode;
            return this;
        }

        /**
         * Sets the status line text, for example {@code 404 Not Found}.
         *
         * @param statusDescription the status line text, for example {@code 404 Not Found}; defaults to none
         * @return this builder
         */
        public Builder statusDescription(String statusDescription) {
            this.statusDescription = statusDescription;
            return this;
        }

        /**
         * Adds a header, replacing an earlier one of the same name.
         *
         * @param name the header name; required
         * @param value the value; required
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds headers, replacing earlier ones of the same names.
         *
         * @param headers the headers to add; required
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * Sets a text body ({@code isBase64Encoded} false).
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
         * Sets a binary body, base64-encoded ({@code isBase64Encoded} true).
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
         * Returns a new response with this builder's values.
         *
         * @return a new response with this builder's values; the headers map is a copy
         */
        public VpcLatticeV2Response build() {
            VpcLatticeV2Response r = new VpcLatticeV2Response();
            r.setStatusCode(statusCode);
            r.setStatusDescription(statusDescription);
            r.setHeaders(headers.isEmpty() ? null : new LinkedHashMap<>(headers));
            r.setBody(body);
            r.setIsBase64Encoded(isBase64Encoded);
            return r;
        }
    }
}
