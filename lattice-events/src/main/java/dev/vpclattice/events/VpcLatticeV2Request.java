package dev.vpclattice.events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event VPC Lattice sends to a Lambda target when the target group's {@code LambdaEventStructureVersion} is
 * {@code V2}.
 *
 * <p>A mutable bean whose getters and setters are named exactly after the JSON fields, so that both
 * {@link VpcLatticeEventCodec} and the Lambda runtime's built-in serializer (which ignores Jackson annotations)
 * can bind it. Headers and query parameters are multi-value maps, as Lattice sends them. The convenience methods
 * ({@link #decodeBody()}, {@link #firstHeader(String)}, {@link #queryParameters()}, {@link #requestTime()}) are
 * deliberately not bean getters, so serializers do not see them as properties.
 *
 * <p>Not thread-safe.
 */
public class VpcLatticeV2Request {
    private String version;
    private String path;
    private String method;
    private Map<String, List<String>> headers;
    private Map<String, List<String>> queryStringParameters;
    private String body;
    private boolean isBase64Encoded;
    private RequestContext requestContext;

    /** Creates an empty event; every field is null (false for {@code isBase64Encoded}). */
    public VpcLatticeV2Request() {
    }

    /**
     * Returns the event structure version, {@code "2.0"} for events from Lattice.
     *
     * @return the event structure version, {@code "2.0"} for events from Lattice; may be null
     */
    public String getVersion() {
        return version;
    }

    /**
     * Sets the event structure version, normally {@code "2.0"}.
     *
     * @param version the event structure version, normally {@code "2.0"}
     */
    public void setVersion(String version) {
        this.version = version;
    }

    /**
     * Returns the request path including the query string, for example {@code /orders?id=1}.
     *
     * @return the request path including the query string, for example {@code /orders?id=1}; may be null
     */
    public String getPath() {
        return path;
    }

    /**
     * Sets the request path including the query string.
     *
     * @param path the request path including the query string
     */
    public void setPath(String path) {
        this.path = path;
    }

    /**
     * Returns the HTTP method, for example {@code GET}.
     *
     * @return the HTTP method, for example {@code GET}; may be null
     */
    public String getMethod() {
        return method;
    }

    /**
     * Sets the HTTP method.
     *
     * @param method the HTTP method
     */
    public void setMethod(String method) {
        this.method = method;
    }

    /**
     * Returns the request headers as Lattice sent them.
     *
     * @return the request headers as Lattice sent them (lower-case names, each with a list of values); may be
     *     null. Use {@link #firstHeader(String)} for a case-insensitive lookup.
     */
    public Map<String, List<String>> getHeaders() {
        return headers;
    }

    /**
     * Sets the request headers, each name with a list of values.
     *
     * @param headers the request headers, each name with a list of values
     */
    public void setHeaders(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    /**
     * Returns the query parameters as Lattice sent them, each with a list of values.
     *
     * @return the query parameters as Lattice sent them, each with a list of values; may be null
     */
    public Map<String, List<String>> getQueryStringParameters() {
        return queryStringParameters;
    }

    /**
     * Sets the query parameters, each name with a list of values.
     *
     * @param queryStringParameters the query parameters, each name with a list of values
     */
    public void setQueryStringParameters(Map<String, List<String>> queryStringParameters) {
        this.queryStringParameters = queryStringParameters;
    }

    /**
     * Returns the body as sent in the event.
     *
     * @return the body as sent in the event: text, or base64 when {@link #getIsBase64Encoded()} is true; may be
     *     null. Use {@link #decodeBody()} for the bytes.
     */
    public String getBody() {
        return body;
    }

    /**
     * Sets the body as text, or base64 when {@code isBase64Encoded} is true.
     *
     * @param body the body as text, or base64 when {@code isBase64Encoded} is true
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
     * Returns where the request came from and which Lattice resources it went through.
     *
     * @return where the request came from and which Lattice resources it went through; may be null
     */
    public RequestContext getRequestContext() {
        return requestContext;
    }

    /**
     * Sets the request context.
     *
     * @param requestContext the request context
     */
    public void setRequestContext(RequestContext requestContext) {
        this.requestContext = requestContext;
    }

    /**
     * Decodes the body.
     *
     * @return the body bytes: base64-decoded when {@code isBase64Encoded}, else the UTF-8 bytes of the text; an
     *     empty array when there is no body
     * @throws InvalidLatticeEventException if {@code isBase64Encoded} is true and the body is not valid base64
     */
    public byte[] decodeBody() {
        return Bodies.decode(body, isBase64Encoded, "body");
    }

    /**
     * Finds a header's first value, ignoring the case of the name (HTTP header names are case-insensitive).
     *
     * @param name the header name; required
     * @return the first value of the first header with that name, or empty when there is none
     */
    public Optional<String> firstHeader(String name) {
        Objects.requireNonNull(name, "name");
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty()) {
                return Optional.ofNullable(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the query parameters: {@code queryStringParameters} when the event has them, otherwise those parsed
     * (and URL-decoded) from the query string of {@link #getPath()}.
     *
     * @return an unmodifiable map of parameter name to values, in the order received; empty when there are none
     */
    public Map<String, List<String>> queryParameters() {
        if (queryStringParameters != null) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            queryStringParameters.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
            return Collections.unmodifiableMap(copy);
        }
        int q = path == null ? -1 : path.indexOf('?');
        if (q < 0 || q == path.length() - 1) {
            return Map.of();
        }
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (String pair : path.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parsed.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        parsed.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(parsed);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is kept as sent rather than failing the whole request
        }
    }

    /**
     * Returns when Lattice received the request, from {@code requestContext.timeEpoch} (microseconds since the
     * epoch, as a string).
     *
     * @return the instant, with microsecond precision; empty when the event has no {@code timeEpoch}
     * @throws InvalidLatticeEventException if {@code timeEpoch} is present but not a whole number
     */
    public Optional<Instant> requestTime() {
        String epoch = requestContext == null ? null : requestContext.getTimeEpoch();
        if (epoch == null || epoch.isBlank()) {
            return Optional.empty();
        }
        long micros;
        try {
            micros = Long.parseLong(epoch.trim());
        } catch (NumberFormatException e) {
            throw new InvalidLatticeEventException(
                    "requestContext.timeEpoch must be microseconds since the epoch, got '" + epoch + "'", e);
        }
        return Optional.of(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L));
    }

    @Override
    public String toString() {
        // Header values are left out: they may carry credentials.
        return "VpcLatticeV2Request{method=" + method + ", path=" + path
                + ", headers=" + (headers == null ? null : headers.keySet()) + "}";
    }

    /** The {@code requestContext} of a V2 event: the Lattice resources the request went through, and its caller. */
    public static class RequestContext {
        private String serviceNetworkArn;
        private String serviceArn;
        private String targetGroupArn;
        private Identity identity;
        private String region;
        private String timeEpoch;

        /** Creates an empty context; every field is null. */
        public RequestContext() {
        }

        /**
         * Returns the service network ARN.
         *
         * @return the service network ARN; may be null
         */
        public String getServiceNetworkArn() {
            return serviceNetworkArn;
        }

        /**
         * Sets the service network ARN.
         *
         * @param serviceNetworkArn the service network ARN
         */
        public void setServiceNetworkArn(String serviceNetworkArn) {
            this.serviceNetworkArn = serviceNetworkArn;
        }

        /**
         * Returns the Lattice service ARN.
         *
         * @return the Lattice service ARN; may be null
         */
        public String getServiceArn() {
            return serviceArn;
        }

        /**
         * Sets the Lattice service ARN.
         *
         * @param serviceArn the Lattice service ARN
         */
        public void setServiceArn(String serviceArn) {
            this.serviceArn = serviceArn;
        }

        /**
         * Returns the target group ARN.
         *
         * @return the target group ARN; may be null
         */
        public String getTargetGroupArn() {
            return targetGroupArn;
        }

        /**
         * Sets the target group ARN.
         *
         * @param targetGroupArn the target group ARN
         */
        public void setTargetGroupArn(String targetGroupArn) {
            this.targetGroupArn = targetGroupArn;
        }

        /**
         * Returns who sent the request.
         *
         * @return who sent the request; may be null
         */
        public Identity getIdentity() {
            return identity;
        }

        /**
         * Sets who sent the request.
         *
         * @param identity who sent the request
         */
        public void setIdentity(Identity identity) {
            this.identity = identity;
        }

        /**
         * Returns the AWS Region of the service, for example {@code us-east-1}.
         *
         * @return the AWS Region of the service, for example {@code us-east-1}; may be null
         */
        public String getRegion() {
            return region;
        }

        /**
         * Sets the AWS Region.
         *
         * @param region the AWS Region
         */
        public void setRegion(String region) {
            this.region = region;
        }

        /**
         * Returns when Lattice received the request, microseconds since the epoch as a string.
         *
         * @return when Lattice received the request, microseconds since the epoch as a string; may be null. See
         *     {@link VpcLatticeV2Request#requestTime()}.
         */
        public String getTimeEpoch() {
            return timeEpoch;
        }

        /**
         * Sets when Lattice received the request, microseconds since the epoch.
         *
         * @param timeEpoch microseconds since the epoch, as a string
         */
        public void setTimeEpoch(String timeEpoch) {
            this.timeEpoch = timeEpoch;
        }
    }

    /**
     * The caller, as Lattice knows it. Fields appear only when known: {@code principal} and friends with
     * {@code AWS_IAM} auth, the {@code x509*} fields with IAM Roles Anywhere.
     */
    public static class Identity {
        private String sourceVpcArn;
        private String type;
        private String principal;
        private String principalOrgID;
        private String sessionName;
        private String x509IssuerOu;
        private String x509SanDns;
        private String x509SanNameCn;
        private String x509SanUri;
        private String x509SubjectCn;

        /** Creates an empty identity; every field is null. */
        public Identity() {
        }

        /**
         * Returns the ARN of the VPC the request came from.
         *
         * @return the ARN of the VPC the request came from; may be null
         */
        public String getSourceVpcArn() {
            return sourceVpcArn;
        }

        /**
         * Sets the ARN of the source VPC.
         *
         * @param sourceVpcArn the ARN of the source VPC
         */
        public void setSourceVpcArn(String sourceVpcArn) {
            this.sourceVpcArn = sourceVpcArn;
        }

        /**
         * Returns the authentication type, {@code AWS_IAM} or {@code NONE}.
         *
         * @return the authentication type, {@code AWS_IAM} or {@code NONE}; may be null
         */
        public String getType() {
            return type;
        }

        /**
         * Sets the authentication type.
         *
         * @param type the authentication type
         */
        public void setType(String type) {
            this.type = type;
        }

        /**
         * Returns the ARN of the authenticated principal.
         *
         * @return the ARN of the authenticated principal; may be null
         */
        public String getPrincipal() {
            return principal;
        }

        /**
         * Sets the ARN of the authenticated principal.
         *
         * @param principal the ARN of the authenticated principal
         */
        public void setPrincipal(String principal) {
            this.principal = principal;
        }

        /**
         * Returns the principal's AWS Organizations id.
         *
         * @return the principal's AWS Organizations id; may be null
         */
        public String getPrincipalOrgID() {
            return principalOrgID;
        }

        /**
         * Sets the principal's organization id.
         *
         * @param principalOrgID the principal's organization id
         */
        public void setPrincipalOrgID(String principalOrgID) {
            this.principalOrgID = principalOrgID;
        }

        /**
         * Returns the role session name.
         *
         * @return the role session name; may be null
         */
        public String getSessionName() {
            return sessionName;
        }

        /**
         * Sets the role session name.
         *
         * @param sessionName the role session name
         */
        public void setSessionName(String sessionName) {
            this.sessionName = sessionName;
        }

        /**
         * Returns the issuer OU of the Roles Anywhere certificate.
         *
         * @return the issuer OU of the Roles Anywhere certificate; may be null
         */
        public String getX509IssuerOu() {
            return x509IssuerOu;
        }

        /**
         * Sets the issuer OU.
         *
         * @param x509IssuerOu the issuer OU
         */
        public void setX509IssuerOu(String x509IssuerOu) {
            this.x509IssuerOu = x509IssuerOu;
        }

        /**
         * Returns the DNS subject alternative name of the certificate.
         *
         * @return the DNS subject alternative name of the certificate; may be null
         */
        public String getX509SanDns() {
            return x509SanDns;
        }

        /**
         * Sets the DNS subject alternative name.
         *
         * @param x509SanDns the DNS subject alternative name
         */
        public void setX509SanDns(String x509SanDns) {
            this.x509SanDns = x509SanDns;
        }

        /**
         * Returns the name CN subject alternative name of the certificate.
         *
         * @return the name CN subject alternative name of the certificate; may be null
         */
        public String getX509SanNameCn() {
            return x509SanNameCn;
        }

        /**
         * Sets the name CN subject alternative name.
         *
         * @param x509SanNameCn the name CN subject alternative name
         */
        public void setX509SanNameCn(String x509SanNameCn) {
            this.x509SanNameCn = x509SanNameCn;
        }

        /**
         * Returns the URI subject alternative name of the certificate.
         *
         * @return the URI subject alternative name of the certificate; may be null
         */
        public String getX509SanUri() {
            return x509SanUri;
        }

        /**
         * Sets the URI subject alternative name.
         *
         * @param x509SanUri the URI subject alternative name
         */
        public void setX509SanUri(String x509SanUri) {
            this.x509SanUri = x509SanUri;
        }

        /**
         * Returns the subject CN of the certificate.
         *
         * @return the subject CN of the certificate; may be null
         */
        public String getX509SubjectCn() {
            return x509SubjectCn;
        }

        /**
         * Sets the subject CN.
         *
         * @param x509SubjectCn the subject CN
         */
        public void setX509SubjectCn(String x509SubjectCn) {
            this.x509SubjectCn = x509SubjectCn;
        }
    }
}
