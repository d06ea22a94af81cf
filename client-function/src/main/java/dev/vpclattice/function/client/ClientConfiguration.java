package dev.vpclattice.function.client;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.SigningMode;
import dev.vpclattice.contract.LatticeSigV4;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * The client function's configuration, read once from the environment and validated at start-up, so a
 * misconfigured function fails its init phase with a message that names the variable and the bad value.
 *
 * @param endpoint       the service to call, as given in {@code LATTICE_ENDPOINT}: an association DNS name (called as
 *                       {@code https://<name>/}) or a full {@code https} URL with a port
 * @param region         the signing region, from {@code AWS_REGION}
 * @param signingMode    from {@code LATTICE_SIGNING_MODE}: {@code SIGV4} (the default), {@code SIGV4A} or {@code NONE}
 * @param callTimeout    bound on one call with its retries, from {@code LATTICE_CALL_TIMEOUT_SECONDS}; defaults to
 *                       20 seconds, below the function's 30-second timeout so a slow service fails the call with a
 *                       clear error instead of a Lambda timeout
 * @param httpClient     which SDK HTTP client sends the calls, from {@code LATTICE_HTTP_CLIENT}
 * @param snapStart      whether Lambda initialises this environment for a SnapStart snapshot
 *                       ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}): then init primes the call path
 */
public record ClientConfiguration(
        String endpoint,
        Region region,
        SigningMode signingMode,
        Duration callTimeout,
        HttpClientKind httpClient,
        boolean snapStart) {

    /** The SDK HTTP clients the function can send with; each was measured (docs/benchmarks.md). */
    public enum HttpClientKind {
        /** The SDK's {@code AwsCrtHttpClient}: native (s2n) TLS, so no JSSE on the cold path. */
        CRT,
        /** The SDK's {@code Apache5HttpClient}, the library's default: JSSE TLS, kept-alive pool. */
        APACHE5,
        /** The SDK's {@code UrlConnectionHttpClient}: the JDK's {@code HttpsURLConnection}, fewest classes. */
        URL_CONNECTION
    }

    /** Environment variable choosing the HTTP client: {@code crt} (default), {@code apache5} or {@code urlconnection}. */
    public static final String HTTP_CLIENT = "LATTICE_HTTP_CLIENT";
    /** The variable Lambda sets to {@code on-demand}, {@code provisioned-concurrency} or {@code snap-start}. */
    public static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    static final HttpClientKind DEFAULT_HTTP_CLIENT = HttpClientKind.CRT;

    /** Environment variable holding the service's association DNS name or https URL. Required. */
    public static final String ENDPOINT = "LATTICE_ENDPOINT";
    /** Environment variable holding the signing mode: SIGV4 (default), SIGV4A or NONE. */
    public static final String SIGNING_MODE = "LATTICE_SIGNING_MODE";
    /** Environment variable holding the call timeout in seconds (default 20). */
    public static final String CALL_TIMEOUT = "LATTICE_CALL_TIMEOUT_SECONDS";
    /** The region variable Lambda sets. Required. */
    public static final String REGION = "AWS_REGION";

    static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Reads and validates the configuration.
     *
     * @param environment the environment, usually {@link System#getenv()}
     * @return the configuration
     * @throws IllegalStateException naming the variable and the value when one is missing or invalid
     */
    public static ClientConfiguration fromEnvironment(Map<String, String> environment) {
        String endpoint = required(
                environment,
                ENDPOINT,
                "the VPC Lattice service's association DNS name (e.g. svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws) "
                        + "or an https URL with a port");
        String regionName = required(environment, REGION, "the AWS Region of the service (Lambda sets it)");
        SigningMode mode = signingMode(environment.get(SIGNING_MODE));
        Duration timeout = callTimeout(environment.get(CALL_TIMEOUT));
        LatticeRequest probe;
        try {
            // Validates the endpoint with the library's own rules (https only when signing, no userinfo, ...).
            probe = LatticeRequest.builder().method("POST").url(endpoint).build();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    ENDPOINT + " is not a usable endpoint ('" + endpoint + "'): " + e.getMessage(), e);
        }
        if (!probe.encodedPath().isEmpty() && !probe.encodedPath().equals("/")
                || !probe.queryParameters().isEmpty()) {
            throw new IllegalStateException(ENDPOINT + " must name the service only (a DNS name, or https://host:port),"
                    + " without a path or query: the function always calls the service's root path ('" + endpoint
                    + "')");
        }
        if (!LatticeSigV4.schemeAllowed(probe.scheme(), mode != SigningMode.NONE)) {
            throw new IllegalStateException(LatticeSigV4.httpsRequiredMessage(
                    ENDPOINT + " ('" + endpoint + "') with " + SIGNING_MODE + " " + mode));
        }
        return new ClientConfiguration(
                endpoint,
                Region.of(regionName),
                mode,
                timeout,
                httpClient(environment.get(HTTP_CLIENT)),
                "snap-start".equals(environment.get(INITIALIZATION_TYPE)));
    }

    private static HttpClientKind httpClient(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_HTTP_CLIENT;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "crt" -> HttpClientKind.CRT;
            case "apache5" -> HttpClientKind.APACHE5;
            case "urlconnection" -> HttpClientKind.URL_CONNECTION;
            default ->
                throw new IllegalStateException(
                        HTTP_CLIENT + " must be crt, apache5 or urlconnection, not '" + value + "'");
        };
    }

    private static String required(Map<String, String> environment, String name, String what) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: set it to " + what);
        }
        return value.strip();
    }

    private static SigningMode signingMode(String value) {
        if (value == null || value.isBlank()) {
            return SigningMode.SIGV4;
        }
        try {
            return SigningMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(SIGNING_MODE + " must be SIGV4, SIGV4A or NONE, not '" + value + "'", e);
        }
    }

    private static Duration callTimeout(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_CALL_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds > 0 && seconds <= 900) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(
                CALL_TIMEOUT + " must be a whole number of seconds from 1 to 900, not '" + value + "'");
    }
}
