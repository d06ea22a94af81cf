package dev.vpclattice.local.internal;

import dev.vpclattice.contract.LatticeSigV4;
import dev.vpclattice.contract.QueryStrings;
import dev.vpclattice.local.CanonicalPathForm;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Verifies a request's SigV4 signature the way VPC Lattice does, by recomputing it with the SDK's
 * {@link AwsV4HttpSigner} rather than by a second implementation of the algorithm.
 *
 * <p>{@link #verify} reads as the checks Lattice makes, in order: parse the {@code Authorization} header, check the
 * credential scope (service {@code vpc-lattice-svcs}, this region) and the signed headers ({@code host} and
 * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} among them, every one present), check the date (within 5 minutes,
 * equal to the scope's), check the key and the session token, then recompute the signature over the request rebuilt
 * from the wire (method, {@code host} header, path, query, only the signed headers; clock pinned to
 * {@code x-amz-date}; payload signing off) and compare it in constant time.
 *
 * <p>The path enters the canonical request in exactly one {@link CanonicalPathForm}. A signature that matches only
 * in the other form is refused with a message naming the expected form.
 *
 * <p>A signature that covers {@code user-agent}, {@code x-amzn-trace-id}, {@code expect} or {@code connection} is
 * refused with an explicit message: the SDK's signer never signs those headers, so it cannot recompute such a
 * signature (real Lattice would accept it).
 *
 * <p>Thread-safe. Messages never contain the secret, the session token or a signature.
 */
public final class SigV4Verifier {

    private static final String SIGV4 = "AWS4-HMAC-SHA256";
    private static final String SIGV4A = "AWS4-ECDSA-P256-SHA256";
    private static final Set<String> AUTHORIZATION_PARTS = Set.of("Credential", "SignedHeaders", "Signature");
    private static final String INVALID_SIGNATURE = "InvalidSignatureException";
    private static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
    private static final String UNRECOGNIZED_CLIENT = "UnrecognizedClientException";
    // AwsV4HttpSigner never signs these headers (V4CanonicalRequest's list in http-auth-aws 2.57), so a signature over
    // one cannot be recomputed with it.
    private static final List<String> UNSIGNABLE_BY_SDK =
            List.of("user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding", "x-forwarded-for");
    // A signed header the signer sets itself from its inputs (the clock, the payload rule, the session token): a second
    // value the client adds would be overwritten when the signature is recomputed, so each must come exactly once.
    private static final List<String> SINGLE_VALUED =
            List.of("authorization", "host", "x-amz-date", LatticeSigV4.CONTENT_SHA256_HEADER, "x-amz-security-token");
    private static final Set<String> PRESIGNED_PARAMETERS =
            Set.of("x-amz-algorithm", "x-amz-credential", "x-amz-signature", "x-amz-signedheaders");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String region;
    private final Map<String, LocalCredential> credentials;
    private final Clock clock;
    private final CanonicalPathForm pathForm;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * Creates a verifier of the SDK's path form, {@link CanonicalPathForm#DOUBLE_ENCODED}.
     *
     * @param region the region the signature must be scoped to
     * @param credentials the trusted credentials, by access key id
     * @param clock the server's clock, for the skew check
     */
    public SigV4Verifier(String region, Map<String, LocalCredential> credentials, Clock clock) {
        this(region, credentials, clock, CanonicalPathForm.DOUBLE_ENCODED);
    }

    /**
     * Creates a verifier.
     *
     * @param region the region the signature must be scoped to
     * @param credentials the trusted credentials, by access key id
     * @param clock the server's clock, for the skew check
     * @param pathForm the one path form signatures are verified in
     */
    public SigV4Verifier(
            String region, Map<String, LocalCredential> credentials, Clock clock, CanonicalPathForm pathForm) {
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Map.copyOf(credentials);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pathForm = Objects.requireNonNull(pathForm, "pathForm");
    }

    /** The outcome of a verification. */
    public sealed interface Result permits Authenticated, Rejected, Unsigned {}

    /**
     * The signature is valid.
     *
     * @param credential the credential that signed
     */
    public record Authenticated(LocalCredential credential) implements Result {}

    /**
     * The request carries no {@code Authorization} header at all: the caller is anonymous.
     */
    public record Unsigned() implements Result {}

    /**
     * The request is signed but the signature is not acceptable.
     *
     * @param errorCode the AWS error code, e.g. {@code InvalidSignatureException}
     * @param message the message, in AWS's words where AWS has them
     */
    public record Rejected(String errorCode, String message) implements Result {}

    /**
     * Whether a request carries SigV4 or SigV4A material, which Lattice authenticates even under auth type
     * {@code NONE}: an {@code Authorization} value that names an {@code AWS4-} algorithm anywhere, in any case, or
     * presigned-URL query parameters ({@code X-Amz-Algorithm}, {@code -Credential}, {@code -Signature},
     * {@code -SignedHeaders}, in any case). An {@code Authorization} of another scheme alone ({@code Bearer ...}) is
     * the application's business, not Lattice's.
     *
     * @param headers the request headers, names in lower case
     * @param rawQuery the query as sent, or null
     * @return true when the request must be verified
     */
    public static boolean carriesSigV4(Map<String, List<String>> headers, String rawQuery) {
        for (String value : headers.getOrDefault("authorization", List.of())) {
            if (value.toUpperCase(Locale.ROOT).contains("AWS4-")) {
                return true;
            }
        }
        return presigned(rawQuery);
    }

    private static boolean presigned(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return false;
        }
        for (String parameter : rawQuery.split("&")) {
            int eq = parameter.indexOf('=');
            String name = (eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (PRESIGNED_PARAMETERS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Verifies one request.
     *
     * @param method the HTTP method
     * @param rawPath the path exactly as sent, still percent-encoded and not normalized
     * @param rawQuery the query as sent (without {@code ?}), or null
     * @param headers the request headers, names in lower case, values in the order received
     * @return the outcome; never null
     */
    public Result verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        try {
            if (presigned(rawQuery)) {
                throw new Rejection(
                        INVALID_SIGNATURE,
                        "This local VPC Lattice does not accept query-string (presigned URL) signatures; sign the"
                                + " Authorization header with " + SIGV4 + ".");
            }
            String authorization = first(headers, "authorization");
            if (authorization == null) {
                return new Unsigned();
            }
            checkSingleValued(headers);
            ParsedAuthorization parsed = parseHeader(authorization.trim());
            checkScope(parsed);
            checkSignedHeaders(parsed, headers);
            Instant signedAt = checkDate(parsed, headers);
            LocalCredential credential = checkKeyAndToken(parsed, headers);
            checkSignature(parsed, credential, signedAt, method, rawPath, rawQuery, headers);
            return new Authenticated(credential);
        } catch (Rejection rejection) {
            return rejection.rejected;
        }
    }

    /** The parts of an {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} header. */
    private record ParsedAuthorization(
            String accessKeyId,
            String scopeDate,
            String scopeRegion,
            String scopeService,
            List<String> signedHeaders,
            String signature) {}

    private ParsedAuthorization parseHeader(String authorization) throws Rejection {
        if (authorization.startsWith(SIGV4A)) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "SigV4A (" + SIGV4A + ") signatures are not supported by this"
                            + " local VPC Lattice; sign with SigV4 (" + SIGV4 + ") for region " + region + ".");
        }
        if (!authorization.startsWith(SIGV4 + " ")) {
            throw new Rejection(
                    INCOMPLETE_SIGNATURE,
                    "Authorization header requires the " + SIGV4 + " algorithm (found '" + algorithmOf(authorization)
                            + "').");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : authorization.substring(SIGV4.length() + 1).split(",", -1)) {
            int eq = part.indexOf('=');
            String name = eq > 0 ? part.substring(0, eq).trim() : "";
            if (!AUTHORIZATION_PARTS.contains(name)
                    || parts.put(name, part.substring(eq + 1).trim()) != null) {
                throw new Rejection(
                        INCOMPLETE_SIGNATURE,
                        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters,"
                                + " each once and nothing else.");
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new Rejection(
                    INCOMPLETE_SIGNATURE,
                    "Authorization header requires 'Credential', " + "'SignedHeaders' and 'Signature' parameters.");
        }
        if (!SIGNATURE.matcher(signature).matches()) {
            throw new Rejection(INCOMPLETE_SIGNATURE, "Signature must be 64 lower-case hexadecimal digits.");
        }
        List<String> names = List.of(signedHeaders.split(";", -1));
        if (!names.equals(List.copyOf(new TreeSet<>(names)))
                || names.stream().anyMatch(name -> name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT)))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "SignedHeaders must name each signed header once, in lower case and sorted, as SigV4's canonical"
                            + " request does.");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
            throw new Rejection(
                    INCOMPLETE_SIGNATURE,
                    "Credential must have the form " + "ACCESS_KEY_ID/yyyyMMdd/REGION/SERVICE/aws4_request.");
        }
        return new ParsedAuthorization(scope[0], scope[1], scope[2], scope[3], names, signature);
    }

    private static void checkSingleValued(Map<String, List<String>> headers) throws Rejection {
        for (String name : SINGLE_VALUED) {
            if (headers.getOrDefault(name, List.of()).size() > 1) {
                throw new Rejection(
                        INCOMPLETE_SIGNATURE, "The '" + name + "' header must appear once, not " + "several times.");
            }
        }
    }

    private void checkScope(ParsedAuthorization parsed) throws Rejection {
        if (!LatticeSigV4.SIGNING_NAME.equals(parsed.scopeService())) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "Credential should be scoped to correct service: '"
                            + LatticeSigV4.SIGNING_NAME
                            + "', not '" + parsed.scopeService() + "'.");
        }
        if (!region.equals(parsed.scopeRegion())) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "Credential should be scoped to a valid region: '" + region + "', not '" + parsed.scopeRegion()
                            + "'.");
        }
    }

    private static void checkSignedHeaders(ParsedAuthorization parsed, Map<String, List<String>> headers)
            throws Rejection {
        List<String> signed = parsed.signedHeaders();
        if (!signed.contains("host")) {
            throw new Rejection(INCOMPLETE_SIGNATURE, "'Host' must be a signed header.");
        }
        if (!signed.contains(LatticeSigV4.CONTENT_SHA256_HEADER)) {
            throw new Rejection(
                    INCOMPLETE_SIGNATURE,
                    "Missing the '" + LatticeSigV4.CONTENT_SHA256_HEADER + "' in canonical headers.");
        }
        for (String name : signed) {
            if (!headers.containsKey(name)) {
                throw new Rejection(
                        INCOMPLETE_SIGNATURE,
                        "'" + name + "' is named as a SignedHeader, but it does not exist in the HTTP request.");
            }
        }
        if (!LatticeSigV4.UNSIGNED_PAYLOAD.equals(first(headers, LatticeSigV4.CONTENT_SHA256_HEADER))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "VPC Lattice does not support payload signing: " + LatticeSigV4.CONTENT_SHA256_HEADER + " must be "
                            + LatticeSigV4.UNSIGNED_PAYLOAD + ".");
        }
        for (String name : signed) {
            if (UNSIGNABLE_BY_SDK.contains(name)) {
                throw new Rejection(
                        INVALID_SIGNATURE,
                        "This local VPC Lattice cannot verify a signature that covers"
                                + " the '" + name
                                + "' header (real VPC Lattice would): it recomputes signatures with the AWS"
                                + " SDK's signer, which never signs " + String.join(", ", UNSIGNABLE_BY_SDK) + ". Sign"
                                + " without '" + name + "' in SignedHeaders.");
            }
        }
    }

    private Instant checkDate(ParsedAuthorization parsed, Map<String, List<String>> headers) throws Rejection {
        String amzDate = first(headers, "x-amz-date");
        if (amzDate == null || !parsed.signedHeaders().contains("x-amz-date")) {
            throw new Rejection(INCOMPLETE_SIGNATURE, "Authorization header requires a signed 'X-Amz-Date' header.");
        }
        amzDate = amzDate.trim();
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw new Rejection(
                    INCOMPLETE_SIGNATURE,
                    "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', not '" + amzDate + "'.");
        }
        if (!parsed.scopeDate().equals(amzDate.substring(0, 8))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601"
                            + " version of date from HTTP: '" + parsed.scopeDate() + "' != '" + amzDate.substring(0, 8)
                            + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(LatticeSigV4.CLOCK_SKEW))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "Signature expired: " + AMZ_DATE.format(signedAt)
                            + " is now earlier than " + AMZ_DATE.format(now.minus(LatticeSigV4.CLOCK_SKEW)) + " ("
                            + AMZ_DATE.format(now)
                            + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(LatticeSigV4.CLOCK_SKEW))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    "Signature not yet current: " + AMZ_DATE.format(signedAt)
                            + " is still later than " + AMZ_DATE.format(now.plus(LatticeSigV4.CLOCK_SKEW)) + " ("
                            + AMZ_DATE.format(now)
                            + " + 5 min.)");
        }
        return signedAt;
    }

    private LocalCredential checkKeyAndToken(ParsedAuthorization parsed, Map<String, List<String>> headers)
            throws Rejection {
        LocalCredential known = credentials.get(parsed.accessKeyId());
        if (known == null) {
            throw new Rejection(UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
        }
        String token = first(headers, "x-amz-security-token");
        if (known.sessionToken() != null || token != null) {
            boolean tokenMatches = known.sessionToken() != null
                    && token != null
                    && MessageDigest.isEqual(
                            known.sessionToken().getBytes(StandardCharsets.UTF_8),
                            token.trim().getBytes(StandardCharsets.UTF_8));
            if (!tokenMatches || !parsed.signedHeaders().contains("x-amz-security-token")) {
                throw new Rejection(UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
            }
        }
        return known;
    }

    private void checkSignature(
            ParsedAuthorization parsed,
            LocalCredential credential,
            Instant signedAt,
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers)
            throws Rejection {
        SdkHttpRequest request;
        try {
            request = rebuild(method, rawPath, rawQuery, headers, parsed.signedHeaders());
        } catch (IllegalArgumentException e) {
            throw new Rejection(INCOMPLETE_SIGNATURE, "The request cannot be canonicalized: " + e.getMessage());
        }
        byte[] provided = parsed.signature().getBytes(StandardCharsets.US_ASCII);
        if (MessageDigest.isEqual(provided, recompute(request, credential, signedAt, pathForm))) {
            return;
        }
        String mismatch = "The request signature we calculated does not match the signature you provided. Check your"
                + " AWS Secret Access Key and signing method.";
        CanonicalPathForm other = pathForm == CanonicalPathForm.DOUBLE_ENCODED
                ? CanonicalPathForm.SINGLE_ENCODED
                : CanonicalPathForm.DOUBLE_ENCODED;
        if (MessageDigest.isEqual(provided, recompute(request, credential, signedAt, other))) {
            throw new Rejection(
                    INVALID_SIGNATURE,
                    mismatch + " This local VPC Lattice verifies the path in the "
                            + describe(pathForm) + "; this signature was computed over the path in the "
                            + describe(other)
                            + ". Sign in the expected form, or start the server with the other form (serve --canonical-path "
                            + cliName(other) + ", LocalLattice.builder().canonicalPathForm(CanonicalPathForm."
                            + other.name()
                            + ")).");
        }
        throw new Rejection(INVALID_SIGNATURE, mismatch);
    }

    private static String describe(CanonicalPathForm form) {
        return form == CanonicalPathForm.DOUBLE_ENCODED
                ? "SDK's form (normalized and percent-encoded twice, as AwsV4HttpSigner and botocore's SigV4Auth and"
                        + " CrtSigV4Auth sign it)"
                : "single-encoded form (as sent, not normalized, as the AWS SDK for Go with DisableURIPathEscaping and"
                        + " botocore's S3 signers sign it)";
    }

    /**
     * The value of {@code serve --canonical-path} that selects a form.
     *
     * @param form the form
     * @return {@code double-encoded} or {@code single-encoded}
     */
    public static String cliName(CanonicalPathForm form) {
        return form.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private SdkHttpRequest rebuild(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            List<String> signedNames) {
        String hostHeader = first(headers, "host").trim();
        URI authority = URI.create("https://" + hostHeader);
        if (authority.getHost() == null) {
            throw new IllegalArgumentException("the Host header '" + hostHeader + "' is not a host[:port]");
        }
        // The signed Host header is sent as signed and the signer takes it verbatim, so the scheme (and its default
        // port) never enters the canonical request: one verification serves HTTPS and HTTP listeners alike.
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .protocol("https")
                .method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT)))
                .host(authority.getHost())
                .encodedPath(rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
        if (authority.getPort() > 0) {
            builder.port(authority.getPort());
        }
        // Strict: a malformed escape cannot be canonicalized, so the request is refused rather than guessed at.
        for (Map.Entry<String, List<String>> parameter :
                QueryStrings.parseStrict(rawQuery).entrySet()) {
            for (String value : parameter.getValue()) {
                builder.appendRawQueryParameter(parameter.getKey(), value);
            }
        }
        for (String name : signedNames) {
            builder.putHeader(name, headers.get(name));
        }
        return builder.build();
    }

    private byte[] recompute(
            SdkHttpRequest request, LocalCredential credential, Instant signedAt, CanonicalPathForm form) {
        AwsCredentialsIdentity identity = credential.sessionToken() == null
                ? AwsCredentialsIdentity.create(credential.accessKeyId(), credential.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(
                        credential.accessKeyId(), credential.secretAccessKey(), credential.sessionToken());
        boolean sdkForm = form == CanonicalPathForm.DOUBLE_ENCODED;
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, LatticeSigV4.SIGNING_NAME)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, sdkForm)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, sdkForm)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String recomputed =
                signed.request().firstMatchingHeader("Authorization").orElse("");
        int at = recomputed.indexOf("Signature=");
        return (at < 0 ? "" : recomputed.substring(at + "Signature=".length()).trim())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String algorithmOf(String authorization) {
        int space = authorization.indexOf(' ');
        String algorithm = space < 0 ? authorization : authorization.substring(0, space);
        // Never echo a credential-bearing value: a scheme name is short and has no '='.
        return algorithm.length() <= 40 && algorithm.indexOf('=') < 0 ? algorithm : "(unrecognized)";
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A failed check, carrying its answer; thrown only inside {@link #verify}, so it needs no stack trace. */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Rejected rejected;

        Rejection(String errorCode, String message) {
            super(errorCode, null, false, false);
            this.rejected = new Rejected(errorCode, message);
        }
    }
}
