package dev.vpclattice.local.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p>The request is rebuilt from the wire: method, {@code host} header, raw path, query, and only the headers named in
 * {@code SignedHeaders}; the signer's clock is pinned to the request's {@code x-amz-date} and payload signing is off
 * ({@code UNSIGNED-PAYLOAD}). The signatures are compared in constant time. Before that it checks what Lattice checks:
 * the algorithm, the service name {@code vpc-lattice-svcs}, the region, the date skew, that
 * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} and {@code host} are signed, and that every signed header is present.
 *
 * <p>Paths with percent-encoded characters: the SDK double-encodes the path by default while AWS's own Go example for
 * Lattice does not; this verifier accepts a signature computed either way.
 *
 * <p>A signature that covers {@code user-agent}, {@code x-amzn-trace-id}, {@code expect} or {@code connection} is
 * refused with an explicit message: the SDK's signer never signs those headers, so it cannot recompute such a
 * signature (real Lattice would accept it).
 *
 * <p>Thread-safe. Messages never contain the secret, the session token or a signature.
 */
public final class SigV4Verifier {
    /** The signing name of the VPC Lattice data plane. */
    public static final String SERVICE = "vpc-lattice-svcs";
    /** How far a request's date may be from the server's clock. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private static final String SIGV4 = "AWS4-HMAC-SHA256";
    private static final String SIGV4A = "AWS4-ECDSA-P256-SHA256";
    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    // AwsV4HttpSigner never signs these headers, so a signature over one cannot be recomputed with it.
    private static final List<String> UNSIGNABLE_BY_SDK = List.of("user-agent", "x-amzn-trace-id", "expect",
            "connection");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String region;
    private final Map<String, LocalCredential> credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * Creates a verifier.
     *
     * @param region the region the signature must be scoped to
     * @param credentials the trusted credentials, by access key id
     * @param clock the server's clock, for the skew check
     */
    public SigV4Verifier(String region, Map<String, LocalCredential> credentials, Clock clock) {
        this.region = region;
        this.credentials = Map.copyOf(credentials);
        this.clock = clock;
    }

    /** The outcome of a verification. */
    public sealed interface Result permits Authenticated, Rejected, Unsigned {
    }

    /**
     * The signature is valid.
     *
     * @param credential the credential that signed
     */
    public record Authenticated(LocalCredential credential) implements Result {
    }

    /**
     * The request carries no SigV4 authorization at all: the caller is anonymous.
     */
    public record Unsigned() implements Result {
    }

    /**
     * The request is signed but the signature is not acceptable.
     *
     * @param errorCode the AWS error code, e.g. {@code InvalidSignatureException}
     * @param message the message, in AWS's words where AWS has them
     */
    public record Rejected(String errorCode, String message) implements Result {
    }

    /**
     * Verifies one request.
     *
     * @param method the HTTP method
     * @param rawPath the path as sent, still percent-encoded
     * @param rawQuery the query as sent (without {@code ?}), or null
     * @param headers the request headers, names in lower case, values in the order received
     * @return the outcome; never null
     */
    public Result verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            return new Unsigned();
        }
        authorization = authorization.trim();
        if (authorization.startsWith(SIGV4A)) {
            return new Rejected("InvalidSignatureException", "SigV4A (" + SIGV4A + ") signatures are not supported by"
                    + " this local VPC Lattice; sign with SigV4 (" + SIGV4 + ") for region " + region + ".");
        }
        if (!authorization.startsWith(SIGV4 + " ")) {
            return new Rejected("IncompleteSignatureException", "Authorization header requires the "
                    + SIGV4 + " algorithm (found '" + algorithmOf(authorization) + "').");
        }
        Map<String, String> parts = parseAuthorization(authorization.substring(SIGV4.length() + 1));
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return new Rejected("IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters.");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
            return new Rejected("IncompleteSignatureException", "Credential must have the form "
                    + "ACCESS_KEY_ID/yyyyMMdd/REGION/SERVICE/aws4_request.");
        }
        String accessKeyId = scope[0];
        if (!SERVICE.equals(scope[3])) {
            return new Rejected("InvalidSignatureException",
                    "Credential should be scoped to correct service: '" + SERVICE + "', not '" + scope[3] + "'.");
        }
        if (!region.equals(scope[2])) {
            return new Rejected("InvalidSignatureException",
                    "Credential should be scoped to a valid region: '" + region + "', not '" + scope[2] + "'.");
        }

        List<String> signedNames = List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";"));
        if (!signedNames.contains("host")) {
            return new Rejected("IncompleteSignatureException", "'Host' must be a signed header.");
        }
        if (!signedNames.contains("x-amz-content-sha256")) {
            return new Rejected("IncompleteSignatureException",
                    "Missing the 'x-amz-content-sha256' in canonical headers.");
        }
        for (String name : signedNames) {
            if (!headers.containsKey(name)) {
                return new Rejected("IncompleteSignatureException",
                        "'" + name + "' is named as a SignedHeader, but it does not exist in the HTTP request.");
            }
        }
        if (!UNSIGNED_PAYLOAD.equals(first(headers, "x-amz-content-sha256"))) {
            return new Rejected("InvalidSignatureException", "VPC Lattice does not support payload signing: "
                    + "x-amz-content-sha256 must be UNSIGNED-PAYLOAD.");
        }

        String amzDate = first(headers, "x-amz-date");
        if (amzDate == null || !signedNames.contains("x-amz-date")) {
            return new Rejected("IncompleteSignatureException",
                    "Authorization header requires a signed 'X-Amz-Date' header.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.trim()));
        } catch (DateTimeParseException e) {
            return new Rejected("IncompleteSignatureException",
                    "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', not '" + amzDate + "'.");
        }
        if (!scope[1].equals(amzDate.trim().substring(0, 8))) {
            return new Rejected("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + scope[1] + "' != '" + amzDate.trim().substring(0, 8)
                    + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return new Rejected("InvalidSignatureException", "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " ("
                    + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return new Rejected("InvalidSignatureException", "Signature not yet current: "
                    + AMZ_DATE.format(signedAt) + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }

        LocalCredential known = credentials.get(accessKeyId);
        if (known == null) {
            return new Rejected("UnrecognizedClientException",
                    "The security token included in the request is invalid.");
        }
        String token = first(headers, "x-amz-security-token");
        if (known.sessionToken() != null || token != null) {
            boolean tokenMatches = known.sessionToken() != null && token != null
                    && MessageDigest.isEqual(known.sessionToken().getBytes(StandardCharsets.UTF_8),
                            token.trim().getBytes(StandardCharsets.UTF_8));
            if (!tokenMatches || !signedNames.contains("x-amz-security-token")) {
                return new Rejected("UnrecognizedClientException",
                        "The security token included in the request is invalid.");
            }
        }

        for (String name : signedNames) {
            if (UNSIGNABLE_BY_SDK.contains(name)) {
                return new Rejected("InvalidSignatureException", "This local VPC Lattice cannot verify a signature"
                        + " that covers the '" + name + "' header (real VPC Lattice would): it recomputes signatures"
                        + " with the AWS SDK's signer, which never signs " + String.join(", ", UNSIGNABLE_BY_SDK)
                        + ". Sign without '" + name + "' in SignedHeaders.");
            }
        }

        SdkHttpRequest request;
        try {
            request = rebuild(method, rawPath, rawQuery, headers, signedNames);
        } catch (IllegalArgumentException e) {
            return new Rejected("IncompleteSignatureException", "The request cannot be canonicalized: " + e.getMessage());
        }
        byte[] provided = signature.getBytes(StandardCharsets.US_ASCII);
        boolean match = MessageDigest.isEqual(provided, recompute(request, known, signedAt, true));
        if (!match && rawPath.indexOf('%') >= 0) {
            match = MessageDigest.isEqual(provided, recompute(request, known, signedAt, false));
        }
        if (!match) {
            return new Rejected("InvalidSignatureException", "The request signature we calculated does not match the "
                    + "signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return new Authenticated(known);
    }

    private SdkHttpRequest rebuild(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
            List<String> signedNames) {
        String hostHeader = first(headers, "host").trim();
        URI authority = URI.create("https://" + hostHeader);
        if (authority.getHost() == null) {
            throw new IllegalArgumentException("the Host header '" + hostHeader + "' is not a host[:port]");
        }
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .protocol("https")
                .method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT)))
                .host(authority.getHost())
                .encodedPath(rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
        if (authority.getPort() > 0) {
            builder.port(authority.getPort());
        }
        for (Map.Entry<String, List<String>> parameter : QueryStrings.parse(rawQuery).entrySet()) {
            for (String value : parameter.getValue()) {
                builder.appendRawQueryParameter(parameter.getKey(), value);
            }
        }
        for (String name : signedNames) {
            builder.putHeader(name, headers.get(name));
        }
        return builder.build();
    }

    private byte[] recompute(SdkHttpRequest request, LocalCredential credential, Instant signedAt,
            boolean doubleUrlEncode) {
        AwsCredentialsIdentity identity = credential.sessionToken() == null
                ? AwsCredentialsIdentity.create(credential.accessKeyId(), credential.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(credential.accessKeyId(), credential.secretAccessKey(),
                        credential.sessionToken());
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, doubleUrlEncode)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String recomputed = signed.request().firstMatchingHeader("Authorization").orElse("");
        int at = recomputed.indexOf("Signature=");
        return (at < 0 ? "" : recomputed.substring(at + "Signature=".length()).trim())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, String> parseAuthorization(String parameters) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : parameters.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return parts;
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
}
