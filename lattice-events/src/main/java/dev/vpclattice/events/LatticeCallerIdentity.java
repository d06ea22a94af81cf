package dev.vpclattice.events;

import dev.vpclattice.contract.LatticeHeaders;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Who called a service through VPC Lattice, and through which Lattice resources, read from the headers Lattice adds
 * for an HTTP target or from a V2 event's {@code requestContext}. Immutable and thread-safe; every field is optional.
 */
public final class LatticeCallerIdentity {
    private static final LatticeCallerIdentity EMPTY = builder().build();

    /** The keys {@code x-amzn-lattice-identity} may set, normalised. */
    private static final Set<String> IDENTITY_KEYS = normalized(
            LatticeHeaders.KEY_PRINCIPAL,
            LatticeHeaders.KEY_PRINCIPAL_ORG_ID,
            LatticeHeaders.KEY_PRINCIPAL_ORG_PATH,
            LatticeHeaders.KEY_SESSION_NAME,
            LatticeHeaders.KEY_X509_ISSUER_OU,
            LatticeHeaders.KEY_X509_SAN_DNS,
            LatticeHeaders.KEY_X509_SAN_NAME_CN,
            LatticeHeaders.KEY_X509_SAN_URI,
            LatticeHeaders.KEY_X509_SUBJECT_CN);

    /** The keys {@code x-amzn-lattice-identity-tags} may set besides tags, normalised. */
    private static final Set<String> TAGS_IDENTITY_KEYS = normalized(
            LatticeHeaders.TAGS_KEY_PRINCIPAL,
            LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_ID,
            LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_PATH);

    /** The key {@code x-amzn-lattice-network} may set, normalised. */
    private static final Set<String> NETWORK_KEYS = normalized(LatticeHeaders.KEY_SOURCE_VPC_ARN);

    /** The keys {@code x-amzn-lattice-target} may set, normalised. */
    private static final Set<String> TARGET_KEYS = normalized(
            LatticeHeaders.KEY_SERVICE_ARN,
            LatticeHeaders.KEY_SERVICE_NETWORK_ARN,
            LatticeHeaders.KEY_TARGET_GROUP_ARN);

    private final String principal;
    private final String principalOrgId;
    private final String principalOrgPath;
    private final String sessionName;
    private final String x509IssuerOu;
    private final String x509SanDns;
    private final String x509SanNameCn;
    private final String x509SanUri;
    private final String x509SubjectCn;
    private final String sourceVpcArn;
    private final String serviceArn;
    private final String serviceNetworkArn;
    private final String targetGroupArn;
    private final String authType;
    private final Map<String, String> tags;
    private final Map<String, String> attributes;

    private LatticeCallerIdentity(Builder b) {
        this.principal = b.principal;
        this.principalOrgId = b.principalOrgId;
        this.principalOrgPath = b.principalOrgPath;
        this.sessionName = b.sessionName;
        this.x509IssuerOu = b.x509IssuerOu;
        this.x509SanDns = b.x509SanDns;
        this.x509SanNameCn = b.x509SanNameCn;
        this.x509SanUri = b.x509SanUri;
        this.x509SubjectCn = b.x509SubjectCn;
        this.sourceVpcArn = b.sourceVpcArn;
        this.serviceArn = b.serviceArn;
        this.serviceNetworkArn = b.serviceNetworkArn;
        this.targetGroupArn = b.targetGroupArn;
        this.authType = b.authType;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
    }

    /**
     * Returns an identity with no field set: what a request that did not come through Lattice carries.
     *
     * @return the empty identity
     */
    public static LatticeCallerIdentity empty() {
        return EMPTY;
    }

    /**
     * Starts an identity, for tests and for code that builds one from another source.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the identity from the headers Lattice adds for an HTTP target: {@code x-amzn-lattice-identity},
     * {@code x-amzn-lattice-identity-tags}, {@code x-amzn-lattice-network} and {@code x-amzn-lattice-target}.
     *
     * <p>Each field is read only from the header the User Guide puts it in: the principal and X.509 fields from the
     * identity header (the principal's also from the tags header, where the identity header lacks them), the source
     * VPC from the network header, and the ARNs from the target header; a key in any other header sets nothing. Keys
     * are matched ignoring case, {@code /}, {@code -} and {@code _}, so {@code X509SAN/DNS}, {@code x509SanDns} and
     * {@code principalorgid} all count. Never throws on a header's content: a piece it cannot read is skipped and the
     * rest is kept.
     *
     * @param header looks a header up by its lower-case name and returns its value, or null when absent; for a
     *     servlet request, {@code request::getHeader}; required
     * @return the identity; {@link #empty()}'s equal when none of the headers is present
     */
    public static LatticeCallerIdentity fromHeaders(Function<String, String> header) {
        Objects.requireNonNull(header, "header");
        Builder b = builder();
        Map<String, String> identity = LatticeHeaders.parseMap(header.apply(LatticeHeaders.IDENTITY));
        Map<String, String> tags = LatticeHeaders.parseMap(header.apply(LatticeHeaders.IDENTITY_TAGS));
        Map<String, String> network = LatticeHeaders.parseMap(header.apply(LatticeHeaders.NETWORK));
        Map<String, String> target = LatticeHeaders.parseMap(header.apply(LatticeHeaders.TARGET));
        for (Map<String, String> map : List.of(identity, network, target)) {
            map.forEach(b::attributeIfAbsent);
        }
        identity.forEach((key, value) -> b.known(IDENTITY_KEYS, normalize(key), value));
        tags.forEach((key, value) -> {
            String k = normalize(key);
            if (TAGS_IDENTITY_KEYS.contains(k)) {
                b.known(TAGS_IDENTITY_KEYS, k, value);
            } else {
                b.tags.putIfAbsent(key, value);
            }
        });
        network.forEach((key, value) -> b.known(NETWORK_KEYS, normalize(key), value));
        target.forEach((key, value) -> b.known(TARGET_KEYS, normalize(key), value));
        return b.build();
    }

    /**
     * Reads the identity from a header map such as a V2 event's or {@code java.net.http.HttpHeaders.map()}'s,
     * matching names ignoring case and taking the first value of each.
     *
     * @param headers header name to values; required
     * @return the identity, as {@link #fromHeaders(Function)} reads it
     */
    public static LatticeCallerIdentity fromHeaderMap(Map<String, ? extends List<String>> headers) {
        Objects.requireNonNull(headers, "headers");
        Map<String, String> first = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                first.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return fromHeaders(first::get);
    }

    /**
     * Reads the identity from a V2 Lambda event: its {@code requestContext.identity} (every spelling
     * {@link VpcLatticeV2Request.Identity} reads) and the service, service network and target group ARNs beside it.
     * A V1 event carries no caller.
     *
     * @param event the event; required
     * @return the identity; {@link #empty()}'s equal when the event has no {@code requestContext}
     */
    public static LatticeCallerIdentity fromV2(VpcLatticeV2Request event) {
        Objects.requireNonNull(event, "event");
        VpcLatticeV2Request.RequestContext context = event.getRequestContext();
        if (context == null) {
            return EMPTY;
        }
        Builder b = builder()
                .serviceArn(context.getServiceArn())
                .serviceNetworkArn(context.getServiceNetworkArn())
                .targetGroupArn(context.getTargetGroupArn());
        VpcLatticeV2Request.Identity id = context.getIdentity();
        if (id != null) {
            b.principal(id.getPrincipal())
                    .principalOrgId(id.getPrincipalOrgID())
                    .sessionName(id.getSessionName())
                    .x509IssuerOu(id.getX509IssuerOu())
                    .x509SanDns(id.getX509SanDns())
                    .x509SanNameCn(id.getX509SanNameCn())
                    .x509SanUri(id.getX509SanUri())
                    .x509SubjectCn(id.getX509SubjectCn())
                    .sourceVpcArn(id.getSourceVpcArn())
                    .authType(id.getType());
        }
        return b.build();
    }

    private static Set<String> normalized(String... keys) {
        Set<String> out = new HashSet<>();
        for (String key : keys) {
            out.add(normalize(key));
        }
        return Set.copyOf(out);
    }

    /** Lower case without '/', '-' and '_': the one form every spelling in AWS's material shares. */
    private static String normalize(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '/' && c != '-' && c != '_') {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /**
     * Tells whether Lattice authenticated the caller with AWS credentials.
     *
     * @return true when a principal is present
     */
    public boolean isAuthenticated() {
        return principal != null;
    }

    /**
     * Returns the authenticated principal's ARN.
     *
     * @return for example {@code arn:aws:sts::123456789012:assumed-role/orders/session}
     */
    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /**
     * Returns the principal's AWS Organizations ID ({@code PrincipalOrgID}).
     *
     * @return for example {@code o-a1b2c3d4e5}
     */
    public Optional<String> principalOrgId() {
        return Optional.ofNullable(principalOrgId);
    }

    /**
     * Returns the principal's organization paths ({@code PrincipalOrgPath}), as Lattice sent them.
     *
     * @return the paths; HTTP targets only, not in V2 events
     */
    public Optional<String> principalOrgPath() {
        return Optional.ofNullable(principalOrgPath);
    }

    /**
     * Returns the role session name of an assumed-role principal.
     *
     * @return the session name
     */
    public Optional<String> sessionName() {
        return Optional.ofNullable(sessionName);
    }

    /**
     * Returns the Roles Anywhere certificate's issuer OU ({@code X509Issuer/OU}).
     *
     * @return the issuer OU
     */
    public Optional<String> x509IssuerOu() {
        return Optional.ofNullable(x509IssuerOu);
    }

    /**
     * Returns the Roles Anywhere certificate's DNS subject alternative name ({@code X509SAN/DNS}).
     *
     * @return the DNS name
     */
    public Optional<String> x509SanDns() {
        return Optional.ofNullable(x509SanDns);
    }

    /**
     * Returns the Roles Anywhere certificate's name CN subject alternative name ({@code X509SAN/NameCN}).
     *
     * @return the name CN
     */
    public Optional<String> x509SanNameCn() {
        return Optional.ofNullable(x509SanNameCn);
    }

    /**
     * Returns the Roles Anywhere certificate's URI subject alternative name ({@code X509SAN/URI}).
     *
     * @return the URI
     */
    public Optional<String> x509SanUri() {
        return Optional.ofNullable(x509SanUri);
    }

    /**
     * Returns the Roles Anywhere certificate's subject CN ({@code X509Subject/CN}).
     *
     * @return the subject CN
     */
    public Optional<String> x509SubjectCn() {
        return Optional.ofNullable(x509SubjectCn);
    }

    /**
     * Returns the ARN of the VPC the request came from.
     *
     * @return for example {@code arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc}
     */
    public Optional<String> sourceVpcArn() {
        return Optional.ofNullable(sourceVpcArn);
    }

    /**
     * Returns the ARN of the Lattice service the request was sent to.
     *
     * @return the service ARN
     */
    public Optional<String> serviceArn() {
        return Optional.ofNullable(serviceArn);
    }

    /**
     * Returns the ARN of the service network the request came through.
     *
     * @return the service network ARN
     */
    public Optional<String> serviceNetworkArn() {
        return Optional.ofNullable(serviceNetworkArn);
    }

    /**
     * Returns the ARN of the target group that routed the request here.
     *
     * @return the target group ARN
     */
    public Optional<String> targetGroupArn() {
        return Optional.ofNullable(targetGroupArn);
    }

    /**
     * Returns the auth type applied to the request, from a V2 event's {@code identity.type}.
     *
     * @return {@code AWS_IAM} or {@code NONE}; empty for HTTP targets, whose headers do not carry it
     */
    public Optional<String> authType() {
        return Optional.ofNullable(authType);
    }

    /**
     * Returns the principal's tags from {@code x-amzn-lattice-identity-tags}, every key but {@code principal},
     * {@code principalorgid} and {@code principalorgpath}, as sent.
     *
     * @return an unmodifiable map of tag key to value, in the order received; empty when none
     */
    public Map<String, String> tags() {
        return tags;
    }

    /**
     * Returns every key and value read from {@code x-amzn-lattice-identity}, {@code -network} and {@code -target},
     * with its key as sent (empty values included), so that a key AWS adds later can be read before this class
     * names it. Raw: unlike the typed accessors, it does not check which header a key came in.
     *
     * @return an unmodifiable map, in the order received; the first of a repeated key
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Returns a builder with this identity's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = builder()
                .principal(principal)
                .principalOrgId(principalOrgId)
                .principalOrgPath(principalOrgPath)
                .sessionName(sessionName)
                .x509IssuerOu(x509IssuerOu)
                .x509SanDns(x509SanDns)
                .x509SanNameCn(x509SanNameCn)
                .x509SanUri(x509SanUri)
                .x509SubjectCn(x509SubjectCn)
                .sourceVpcArn(sourceVpcArn)
                .serviceArn(serviceArn)
                .serviceNetworkArn(serviceNetworkArn)
                .targetGroupArn(targetGroupArn)
                .authType(authType)
                .tags(tags);
        b.attributes.putAll(attributes);
        return b;
    }

    private List<Object> fields() {
        return List.of(
                Optional.ofNullable(principal),
                Optional.ofNullable(principalOrgId),
                Optional.ofNullable(principalOrgPath),
                Optional.ofNullable(sessionName),
                Optional.ofNullable(x509IssuerOu),
                Optional.ofNullable(x509SanDns),
                Optional.ofNullable(x509SanNameCn),
                Optional.ofNullable(x509SanUri),
                Optional.ofNullable(x509SubjectCn),
                Optional.ofNullable(sourceVpcArn),
                Optional.ofNullable(serviceArn),
                Optional.ofNullable(serviceNetworkArn),
                Optional.ofNullable(targetGroupArn),
                Optional.ofNullable(authType),
                tags,
                attributes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatticeCallerIdentity && fields().equals(((LatticeCallerIdentity) o).fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        // ARNs and names only, which Lattice itself puts in access logs; tag values may be anything, so keys only.
        StringBuilder s = new StringBuilder("LatticeCallerIdentity{");
        append(s, "principal", principal);
        append(s, "principalOrgId", principalOrgId);
        append(s, "sessionName", sessionName);
        append(s, "x509SubjectCn", x509SubjectCn);
        append(s, "sourceVpcArn", sourceVpcArn);
        append(s, "serviceArn", serviceArn);
        append(s, "authType", authType);
        if (!tags.isEmpty()) {
            s.append("tagKeys=").append(tags.keySet()).append(", ");
        }
        if (s.charAt(s.length() - 1) == ' ') {
            s.setLength(s.length() - 2);
        }
        return s.append('}').toString();
    }

    private static void append(StringBuilder s, String name, String value) {
        if (value != null) {
            s.append(name).append('=').append(value).append(", ");
        }
    }

    /** Builds a {@link LatticeCallerIdentity}. Not thread-safe. A null or empty value leaves its field absent. */
    public static final class Builder {
        private String principal;
        private String principalOrgId;
        private String principalOrgPath;
        private String sessionName;
        private String x509IssuerOu;
        private String x509SanDns;
        private String x509SanNameCn;
        private String x509SanUri;
        private String x509SubjectCn;
        private String sourceVpcArn;
        private String serviceArn;
        private String serviceNetworkArn;
        private String targetGroupArn;
        private String authType;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {}

        private static String present(String value) {
            return value == null || value.isEmpty() ? null : value;
        }

        /**
         * Sets the field a normalised header key names, unless it is set already; ignores a key outside the allowed
         * ones, which are those of the header the key came in.
         */
        private void known(Set<String> allowed, String normalizedKey, String value) {
            String v = present(value);
            if (v == null || !allowed.contains(normalizedKey)) {
                return;
            }
            switch (normalizedKey) {
                case "principal" -> principal = principal == null ? v : principal;
                case "principalorgid" -> principalOrgId = principalOrgId == null ? v : principalOrgId;
                case "principalorgpath" -> principalOrgPath = principalOrgPath == null ? v : principalOrgPath;
                case "sessionname" -> sessionName = sessionName == null ? v : sessionName;
                case "x509issuerou" -> x509IssuerOu = x509IssuerOu == null ? v : x509IssuerOu;
                case "x509sandns" -> x509SanDns = x509SanDns == null ? v : x509SanDns;
                case "x509sannamecn" -> x509SanNameCn = x509SanNameCn == null ? v : x509SanNameCn;
                case "x509sanuri" -> x509SanUri = x509SanUri == null ? v : x509SanUri;
                case "x509subjectcn" -> x509SubjectCn = x509SubjectCn == null ? v : x509SubjectCn;
                case "sourcevpcarn" -> sourceVpcArn = sourceVpcArn == null ? v : sourceVpcArn;
                case "servicearn" -> serviceArn = serviceArn == null ? v : serviceArn;
                case "servicenetworkarn" -> serviceNetworkArn = serviceNetworkArn == null ? v : serviceNetworkArn;
                case "targetgrouparn" -> targetGroupArn = targetGroupArn == null ? v : targetGroupArn;
                default -> {
                    // A key AWS added after this class: kept in attributes() only.
                }
            }
        }

        private void attributeIfAbsent(String key, String value) {
            attributes.putIfAbsent(key, value);
        }

        /**
         * Sets the principal's ARN.
         *
         * @param principal the ARN; null for none
         * @return this builder
         */
        public Builder principal(String principal) {
            this.principal = present(principal);
            return this;
        }

        /**
         * Sets the principal's AWS Organizations ID.
         *
         * @param principalOrgId the ID; null for none
         * @return this builder
         */
        public Builder principalOrgId(String principalOrgId) {
            this.principalOrgId = present(principalOrgId);
            return this;
        }

        /**
         * Sets the principal's organization paths.
         *
         * @param principalOrgPath the paths as Lattice sends them; null for none
         * @return this builder
         */
        public Builder principalOrgPath(String principalOrgPath) {
            this.principalOrgPath = present(principalOrgPath);
            return this;
        }

        /**
         * Sets the role session name.
         *
         * @param sessionName the session name; null for none
         * @return this builder
         */
        public Builder sessionName(String sessionName) {
            this.sessionName = present(sessionName);
            return this;
        }

        /**
         * Sets the Roles Anywhere certificate's issuer OU.
         *
         * @param x509IssuerOu the OU; null for none
         * @return this builder
         */
        public Builder x509IssuerOu(String x509IssuerOu) {
            this.x509IssuerOu = present(x509IssuerOu);
            return this;
        }

        /**
         * Sets the Roles Anywhere certificate's DNS subject alternative name.
         *
         * @param x509SanDns the DNS name; null for none
         * @return this builder
         */
        public Builder x509SanDns(String x509SanDns) {
            this.x509SanDns = present(x509SanDns);
            return this;
        }

        /**
         * Sets the Roles Anywhere certificate's name CN subject alternative name.
         *
         * @param x509SanNameCn the name CN; null for none
         * @return this builder
         */
        public Builder x509SanNameCn(String x509SanNameCn) {
            this.x509SanNameCn = present(x509SanNameCn);
            return this;
        }

        /**
         * Sets the Roles Anywhere certificate's URI subject alternative name.
         *
         * @param x509SanUri the URI; null for none
         * @return this builder
         */
        public Builder x509SanUri(String x509SanUri) {
            this.x509SanUri = present(x509SanUri);
            return this;
        }

        /**
         * Sets the Roles Anywhere certificate's subject CN.
         *
         * @param x509SubjectCn the CN; null for none
         * @return this builder
         */
        public Builder x509SubjectCn(String x509SubjectCn) {
            this.x509SubjectCn = present(x509SubjectCn);
            return this;
        }

        /**
         * Sets the source VPC's ARN.
         *
         * @param sourceVpcArn the ARN; null for none
         * @return this builder
         */
        public Builder sourceVpcArn(String sourceVpcArn) {
            this.sourceVpcArn = present(sourceVpcArn);
            return this;
        }

        /**
         * Sets the service's ARN.
         *
         * @param serviceArn the ARN; null for none
         * @return this builder
         */
        public Builder serviceArn(String serviceArn) {
            this.serviceArn = present(serviceArn);
            return this;
        }

        /**
         * Sets the service network's ARN.
         *
         * @param serviceNetworkArn the ARN; null for none
         * @return this builder
         */
        public Builder serviceNetworkArn(String serviceNetworkArn) {
            this.serviceNetworkArn = present(serviceNetworkArn);
            return this;
        }

        /**
         * Sets the target group's ARN.
         *
         * @param targetGroupArn the ARN; null for none
         * @return this builder
         */
        public Builder targetGroupArn(String targetGroupArn) {
            this.targetGroupArn = present(targetGroupArn);
            return this;
        }

        /**
         * Sets the auth type applied to the request.
         *
         * @param authType {@code AWS_IAM} or {@code NONE}; null for none
         * @return this builder
         */
        public Builder authType(String authType) {
            this.authType = present(authType);
            return this;
        }

        /**
         * Adds principal tags, replacing earlier ones of the same keys.
         *
         * @param tags tag key to value; required
         * @return this builder
         */
        public Builder tags(Map<String, String> tags) {
            tags.forEach((k, v) -> this.tags.put(Objects.requireNonNull(k, "tag key"), v == null ? "" : v));
            return this;
        }

        /**
         * Returns a new identity with this builder's values.
         *
         * @return a new identity
         */
        public LatticeCallerIdentity build() {
            return new LatticeCallerIdentity(this);
        }
    }
}
