package dev.vpclattice.local.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.LatticeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Plays VPC Lattice for one request: authenticates and authorizes the caller, then reads the body within the 6 MB
 * limit, builds the V2 event, invokes the target and maps its response back to HTTP. A refused request's body is
 * never read: the connection is closed instead.
 */
public final class LatticeExchangeHandler implements HttpHandler {
    /** The largest request body Lattice forwards to a Lambda target, and the largest response body it returns. */
    public static final int MAX_BODY_BYTES = 6 * 1024 * 1024;
    // Bodies beyond the limit are read and discarded up to this bound so the client sees the 413 instead of a reset.
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;
    private static final Set<String> HOP_BY_HOP_RESPONSE = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "transfer-encoding", "te", "trailer", "upgrade", "content-length");

    private final AuthType authType;
    private final SigV4Verifier verifier;
    private final Set<String> allowedPrincipals;
    private final EventFactory events;
    private final LatticeTarget target;
    private final String serviceArn;
    private final Clock clock;
    private final Consumer<String> accessLog;
    private final Set<String> hostNames;
    private final int port;

    /**
     * Creates the handler.
     *
     * @param authType the service's auth type
     * @param verifier the SigV4 verifier (used with {@link AuthType#AWS_IAM})
     * @param allowedPrincipals the auth policy: principals allowed to invoke; empty means any authenticated
     *     principal; {@code *} also admits unauthenticated callers
     * @param events the event factory
     * @param target the target
     * @param serviceArn the service ARN, for denial messages
     * @param clock the clock for {@code timeEpoch}
     * @param accessLog receives one line per request (method, path without query, status, principal, duration)
     * @param hostNames the host names the service answers to, lower case ({@code localhost}, {@code 127.0.0.1},
     *     {@code [::1]} and any configured names); other {@code Host} headers get {@code 404}
     * @param port the port the server listens on, which the {@code Host} header must name (or omit for 443)
     */
    public LatticeExchangeHandler(AuthType authType, SigV4Verifier verifier, Set<String> allowedPrincipals,
            EventFactory events, LatticeTarget target, String serviceArn, Clock clock, Consumer<String> accessLog,
            Set<String> hostNames, int port) {
        this.authType = authType;
        this.verifier = verifier;
        this.allowedPrincipals = Set.copyOf(allowedPrincipals);
        this.events = events;
        this.target = target;
        this.serviceArn = serviceArn;
        this.clock = clock;
        this.accessLog = accessLog;
        this.hostNames = Set.copyOf(hostNames);
        this.port = port;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        Instant receivedAt = clock.instant();
        String method = exchange.getRequestMethod();
        // What is authorized must be what is invoked: the signature is verified over the normalized path (as the
        // SDK signer and AWS services other than S3 do), so the target receives that same normalized path.
        String rawPath = normalize(exchange.getRequestURI().getRawPath());
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String principal = "anonymous";
        try {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .addAll(values));
            // Lattice routes by Host before it authenticates: a name it does not serve never reaches the service.
            String host = first(headers, "host");
            if (!servesHost(host)) {
                refuse(exchange, 404, "NotFoundException: This local VPC Lattice serves no service for host '"
                        + printable(host) + "'. It answers to " + String.join(", ", hostNames.stream().sorted()
                                .map(name -> name + ":" + port).toList()) + " (add names with --host-name).");
                return;
            }
            // The body is read only once the caller is authorized (the signature does not cover it anyway:
            // UNSIGNED-PAYLOAD), so anonymous callers cannot make the server buffer megabytes.
            LocalCredential caller = null;
            if (authType == AuthType.AWS_IAM) {
                SigV4Verifier.Result result = verifier.verify(method, rawPath, rawQuery, headers);
                if (result instanceof SigV4Verifier.Rejected rejected) {
                    principal = "-";
                    refuse(exchange, 403, rejected.errorCode() + ": " + rejected.message());
                    return;
                }
                if (result instanceof SigV4Verifier.Authenticated authenticated) {
                    caller = authenticated.credential();
                    principal = caller.principalArn();
                }
                if (!allowed(caller)) {
                    refuse(exchange, 403, "AccessDeniedException: User: " + principal
                            + " is not authorized to perform: vpc-lattice-svcs:Invoke on resource: " + serviceArn
                            + rawPath + " because no service-based policy allows the vpc-lattice-svcs:Invoke action");
                    return;
                }
            }
            byte[] body = readLimited(exchange.getRequestBody());
            if (body == null) {
                sendText(exchange, 413, "PayloadTooLargeException: The request body exceeds the limit of "
                        + MAX_BODY_BYTES + " bytes (6 MB) for Lambda targets.");
                return;
            }

            String client = clientAddress(exchange.getRemoteAddress());
            VpcLatticeV2Request event = events.build(method, rawPath, rawQuery, headers, body, client, caller,
                    receivedAt);
            VpcLatticeV2Response response;
            try {
                response = target.invoke(event);
            } catch (Exception e) {
                accessLog.accept("target failed: " + e.getClass().getName());
                response = null;
            }
            sendTargetResponse(exchange, method, response);
        } finally {
            exchange.close();
            int status = exchange.getResponseCode();
            accessLog.accept(method + " " + rawPath + " " + (status < 0 ? "-" : Integer.toString(status)) + " "
                    + principal + " " + Duration.ofNanos(System.nanoTime() - started).toMillis() + "ms");
        }
    }

    /**
     * Removes {@code .} and {@code ..} segments and empty segments ({@code //}) as the SDK signer's path
     * normalization does; percent-escapes are left alone.
     */
    static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        // A scheme and host in front keep a leading "//" a path instead of an authority.
        String normalized = URI.create("https://h" + rawPath).normalize().getRawPath();
        return normalized == null || normalized.isEmpty() ? "/" : normalized;
    }

    private boolean servesHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        String name = value;
        int requestedPort = 443;
        if (colon > value.lastIndexOf(']')) {
            name = value.substring(0, colon);
            try {
                requestedPort = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return requestedPort == port && hostNames.contains(name);
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String kept = value.codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return kept.length() > 255 ? kept.substring(0, 255) + "..." : kept;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private boolean allowed(LocalCredential caller) {
        if (allowedPrincipals.contains("*")) {
            return true;
        }
        if (caller == null) {
            return false;
        }
        return allowedPrincipals.isEmpty() || allowedPrincipals.contains(caller.principalArn());
    }

    private int sendTargetResponse(HttpExchange exchange, String method, VpcLatticeV2Response response)
            throws IOException {
        if (response == null) {
            return sendText(exchange, 502, "Bad Gateway");
        }
        int status = response.getStatusCode();
        byte[] body;
        try {
            body = response.decodeBody();
        } catch (RuntimeException e) {
            accessLog.accept("target answered an undecodable body: " + e.getMessage());
            return sendText(exchange, 502, "Bad Gateway");
        }
        if (status < 200 || status > 599) {
            accessLog.accept("target answered an invalid statusCode " + status);
            return sendText(exchange, 502, "Bad Gateway");
        }
        if (body != null && body.length > MAX_BODY_BYTES) {
            accessLog.accept("target answered " + body.length + " bytes, over the 6 MB limit");
            return sendText(exchange, 502, "Bad Gateway");
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (name != null && value != null && !HOP_BY_HOP_RESPONSE.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().add(name, value);
                }
            });
        }
        boolean noBody = body == null || body.length == 0 || "HEAD".equalsIgnoreCase(method)
                || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    /**
     * Answers a request that will not be served without reading its body: {@code Connection: close} makes the JDK
     * server drop the connection after draining at most its small bound ({@code sun.net.httpserver.drainAmount},
     * 64 KB by default) instead of reading whatever the caller still sends.
     */
    private static int refuse(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        return sendText(exchange, status, text);
    }

    private static int sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod())) {
            // A HEAD answer has no body: the JDK server warns about (and cannot send) a length passed for one.
            exchange.sendResponseHeaders(status, -1);
            return status;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** Reads at most the limit; returns null (after draining a bounded amount more) when the body is larger. */
    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES);
        if (body.length < MAX_BODY_BYTES) {
            return body;
        }
        long extra = 0;
        byte[] buffer = new byte[64 * 1024];
        int read;
        while (extra < MAX_DRAIN_BYTES && (read = in.read(buffer)) > 0) {
            extra += read;
        }
        return extra == 0 ? body : null;
    }

    private static String clientAddress(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return "127.0.0.1";
        }
        return remote.getAddress().getHostAddress();
    }
}
