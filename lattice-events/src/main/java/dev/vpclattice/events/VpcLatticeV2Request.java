package dev.vpclattice.events;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.EventVersion.TopLevel;
import dev.vpclattice.contract.QueryStrings;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The event VPC Lattice sends to a Lambda target whose target group's {@code LambdaEventStructureVersion} is
 * {@code V2}: a bean named after the JSON fields, so that both {@link VpcLatticeEventCodec} and the Lambda runtime's
 * own serializer bind it. Not thread-safe.
 */
public final class VpcLatticeV2Request implements VpcLatticeRequest {
    private String version;
    private String path;
    private String method;
    private Map<String, List<String>> headers;
    private Map<String, List<String>> queryStringParameters;
    private String body;
    private boolean isBase64Encoded;
    private RequestContext requestContext;

    // Set when a binder called setRaw_path. The version rule is applied when the event is first read, once every
    // field is bound, so that the order of the JSON fields cannot change the verdict.
    private boolean rawPathBound;

    /** Creates an empty event; every field is null (false for {@code isBase64Encoded}). */
    public VpcLatticeV2Request() {}

    /** @return {@code "2.0"} for events from Lattice */
    public String getVersion() {
        requireV2();
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    /**
     * The request path as Lattice sent it. AWS's samples show it without the query, but whether real Lattice ever
     * includes the query here is unverified; {@link #pathWithoutQuery()} is right either way.
     *
     * @return the path, for example {@code /orders} or {@code /orders?id=1}
     */
    public String getPath() {
        requireV2();
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    /** @return the HTTP method in upper case, for example {@code GET} */
    @Override
    public String getMethod() {
        requireV2();
        return method;
    }

    public void setMethod(String method) {
        this.method = method;
    }

    /**
     * Lattice sends lower-case names, each with a list of values; see {@link #firstHeader(String)} for a
     * case-insensitive lookup.
     *
     * @return the request headers as Lattice sent them
     */
    public Map<String, List<String>> getHeaders() {
        requireV2();
        return headers;
    }

    public void setHeaders(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    /**
     * The query parameters as Lattice sent them, already decoded; see {@link #queryParameters()}, which also covers
     * an event that has only a query in its {@code path}.
     *
     * @return each parameter name with its list of values
     */
    public Map<String, List<String>> getQueryStringParameters() {
        requireV2();
        return queryStringParameters;
    }

    public void setQueryStringParameters(Map<String, List<String>> queryStringParameters) {
        this.queryStringParameters = queryStringParameters;
    }

    /** @return the body: text, or base64 when {@link #getIsBase64Encoded()}; see {@link #decodeBody()} for bytes */
    public String getBody() {
        requireV2();
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    /**
     * Named {@code getIsBase64Encoded}, not {@code isBase64Encoded}, so that bean binders (the Lambda runtime's
     * among them) map it to the JSON field {@code isBase64Encoded}.
     *
     * @return whether {@link #getBody()} is base64; false when the event does not say
     */
    public boolean getIsBase64Encoded() {
        requireV2();
        return isBase64Encoded;
    }

    public void setIsBase64Encoded(boolean isBase64Encoded) {
        this.isBase64Encoded = isBase64Encoded;
    }

    /** @return which Lattice resources the request went through, and who sent it */
    public RequestContext getRequestContext() {
        requireV2();
        return requestContext;
    }

    public void setRequestContext(RequestContext requestContext) {
        this.requestContext = requestContext;
    }

    /**
     * Marks a V1 event as the Lambda runtime's serializer binds it: only a V1 event has a {@code raw_path} field, and
     * a V1 event bound into this class would have no path and no caller. Every accessor then applies
     * {@link EventVersion}'s rule to the bound {@code version}, whatever the order of the JSON fields: it refuses the
     * event unless its {@code version} is 2.x. Not a property: {@link VpcLatticeEventCodec} checks the version before
     * binding.
     *
     * @param rawPath the event's {@code raw_path} field; not kept
     */
    public void setRaw_path(String rawPath) {
        this.rawPathBound = true;
    }

    /**
     * Applies the version rule to an event a binder gave a {@code raw_path}.
     *
     * @throws InvalidLatticeEventException unless the bound {@code version} is 2.x; the message names the target
     *     group setting {@code LambdaEventStructureVersion}
     */
    private void requireV2() {
        if (rawPathBound) {
            EventVersion.V2
                    .refusal(TopLevel.version(version).withVersion1Field(true))
                    .ifPresent(message -> {
                        throw new InvalidLatticeEventException(message);
                    });
        }
    }

    /**
     * Returns {@link EventVersion#V2}.
     *
     * @return {@link EventVersion#V2}
     * @throws InvalidLatticeEventException if the Lambda runtime's serializer bound a V1 event into this class
     */
    @Override
    public EventVersion eventVersion() {
        requireV2();
        return EventVersion.V2;
    }

    /**
     * Decodes the body.
     *
     * @return the body bytes: base64-decoded when {@code isBase64Encoded}, else the UTF-8 bytes of the text; an
     *     empty array when there is no body
     * @throws InvalidLatticeEventException if {@code isBase64Encoded} is true and the body is not valid base64
     */
    @Override
    public byte[] decodeBody() {
        requireV2();
        return Bodies.decode(body, isBase64Encoded, "body");
    }

    /**
     * Finds a header's first value, ignoring the case of the name (HTTP header names are case-insensitive).
     *
     * @param name the header name; required
     * @return the first value of the first header with that name, or empty when there is none
     */
    public Optional<String> firstHeader(String name) {
        requireV2();
        Objects.requireNonNull(name, "name");
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey())
                    && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                return Optional.ofNullable(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the query parameters: {@code queryStringParameters} when the event has them, otherwise those parsed
     * from the query in {@link #getPath()} by {@link QueryStrings#parse(String)} ({@code +} stays a plus sign, a
     * malformed escape is kept as sent).
     *
     * @return an unmodifiable map of parameter name to values, in the order received; empty when there are none
     */
    public Map<String, List<String>> queryParameters() {
        requireV2();
        if (queryStringParameters == null) {
            return QueryStrings.parse(QueryStrings.queryOf(path));
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        queryStringParameters.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the path without its query, whichever form arrived: {@code /orders?id=1} and {@code /orders} both
     * give {@code /orders}. Use it wherever a path is logged or routed on, since a query may carry a token.
     *
     * @return the path before any {@code ?}; null when the event has no path
     */
    @Override
    public String pathWithoutQuery() {
        requireV2();
        return QueryStrings.withoutQuery(path);
    }

    /**
     * Returns when Lattice received the request, from {@code requestContext.timeEpoch} (microseconds since the
     * epoch, as a string).
     *
     * @return the instant, with microsecond precision; empty when the event has no {@code timeEpoch}
     * @throws InvalidLatticeEventException if {@code timeEpoch} is present but not a whole number
     */
    public Optional<Instant> requestTime() {
        requireV2();
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
        return Optional.of(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
    }

    @Override
    public String toString() {
        // Header values and the query are left out: they may carry credentials.
        return "VpcLatticeV2Request{method=" + method + ", path=" + QueryStrings.withoutQuery(path) + ", headers="
                + (headers == null ? null : headers.keySet()) + "}";
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
        public RequestContext() {}

        public String getServiceNetworkArn() {
            return serviceNetworkArn;
        }

        public void setServiceNetworkArn(String serviceNetworkArn) {
            this.serviceNetworkArn = serviceNetworkArn;
        }

        public String getServiceArn() {
            return serviceArn;
        }

        public void setServiceArn(String serviceArn) {
            this.serviceArn = serviceArn;
        }

        public String getTargetGroupArn() {
            return targetGroupArn;
        }

        public void setTargetGroupArn(String targetGroupArn) {
            this.targetGroupArn = targetGroupArn;
        }

        public Identity getIdentity() {
            return identity;
        }

        public void setIdentity(Identity identity) {
            this.identity = identity;
        }

        /** @return the AWS Region of the service, for example {@code us-east-1} */
        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        /** @return microseconds since the epoch, as a string; see {@link VpcLatticeV2Request#requestTime()} */
        public String getTimeEpoch() {
            return timeEpoch;
        }

        public void setTimeEpoch(String timeEpoch) {
            this.timeEpoch = timeEpoch;
        }
    }

    /**
     * The caller, as Lattice knows it: {@code principal} and the fields beside it with {@code AWS_IAM} auth, the
     * {@code x509*} fields with IAM Roles Anywhere. Every spelling of these fields that AWS's own code uses is read,
     * and each getter returns whichever arrived; the capitalised public fields ({@link #X509SubjectCn} and the like)
     * exist only so that the Lambda runtime's serializer can bind those spellings, so read the getters.
     */
    public static class Identity {
        private String sourceVpcArn;
        private String type;
        private String principal;
        private String principalOrgID;
        private String principalOrgId;
        private String sessionName;
        private String x509IssuerOu;
        private String x509SanDns;
        private String x509SanNameCn;
        private String x509SanUri;
        private String x509SubjectCn;

        /** Powertools' spelling of {@code x509SubjectCn}, bound by name; read {@link #getX509SubjectCn()}. */
        public String X509SubjectCn;
        /** Powertools' spelling of {@code x509IssuerOu}, bound by name; read {@link #getX509IssuerOu()}. */
        public String X509IssuerOu;
        /** Powertools' spelling of {@code x509SanNameCn}, bound by name; read {@link #getX509SanNameCn()}. */
        public String X509SanNameCn;
        /** Powertools Python's spelling of {@code x509SanUri}, bound by name; read {@link #getX509SanUri()}. */
        public String X509SanUri;

        /** Creates an empty identity; every field is null. */
        public Identity() {}

        /** @return the ARN of the VPC the request came from */
        public String getSourceVpcArn() {
            return sourceVpcArn;
        }

        public void setSourceVpcArn(String sourceVpcArn) {
            this.sourceVpcArn = sourceVpcArn;
        }

        /** @return the service's auth type as applied to this request, {@code AWS_IAM} or {@code NONE} */
        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        /** @return the ARN of the authenticated principal, e.g. {@code arn:aws:sts::123456789012:assumed-role/r/s} */
        public String getPrincipal() {
            return principal;
        }

        public void setPrincipal(String principal) {
            this.principal = principal;
        }

        /** @return the principal's AWS Organizations id, sent as {@code principalOrgID} or {@code principalOrgId} */
        public String getPrincipalOrgID() {
            return principalOrgID != null ? principalOrgID : principalOrgId;
        }

        public void setPrincipalOrgID(String principalOrgID) {
            this.principalOrgID = principalOrgID;
        }

        /**
         * Binds Powertools TypeScript's spelling; {@link #getPrincipalOrgID()} reads it. A setter without a getter,
         * so the event is written with one spelling.
         *
         * @param principalOrgId the organization id as sent under {@code principalOrgId}
         */
        public void setPrincipalOrgId(String principalOrgId) {
            this.principalOrgId = principalOrgId;
        }

        /** @return the role session name of an assumed-role principal */
        public String getSessionName() {
            return sessionName;
        }

        public void setSessionName(String sessionName) {
            this.sessionName = sessionName;
        }

        /** @return the issuer OU of the Roles Anywhere certificate, sent as {@code x509IssuerOu} or {@code X509IssuerOu} */
        public String getX509IssuerOu() {
            return x509IssuerOu != null ? x509IssuerOu : X509IssuerOu;
        }

        public void setX509IssuerOu(String x509IssuerOu) {
            this.x509IssuerOu = x509IssuerOu;
        }

        /** @return the DNS subject alternative name of the Roles Anywhere certificate ({@code x509SanDns} everywhere) */
        public String getX509SanDns() {
            return x509SanDns;
        }

        public void setX509SanDns(String x509SanDns) {
            this.x509SanDns = x509SanDns;
        }

        /** @return the name CN subject alternative name, sent as {@code x509SanNameCn} or {@code X509SanNameCn} */
        public String getX509SanNameCn() {
            return x509SanNameCn != null ? x509SanNameCn : X509SanNameCn;
        }

        public void setX509SanNameCn(String x509SanNameCn) {
            this.x509SanNameCn = x509SanNameCn;
        }

        /** @return the URI subject alternative name, sent as {@code x509SanUri} or {@code X509SanUri} */
        public String getX509SanUri() {
            return x509SanUri != null ? x509SanUri : X509SanUri;
        }

        public void setX509SanUri(String x509SanUri) {
            this.x509SanUri = x509SanUri;
        }

        /** @return the subject CN of the Roles Anywhere certificate, sent as {@code x509SubjectCn} or {@code X509SubjectCn} */
        public String getX509SubjectCn() {
            return x509SubjectCn != null ? x509SubjectCn : X509SubjectCn;
        }

        public void setX509SubjectCn(String x509SubjectCn) {
            this.x509SubjectCn = x509SubjectCn;
        }
    }
}
