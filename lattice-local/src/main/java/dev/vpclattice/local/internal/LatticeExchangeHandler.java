package dev.vpclattice.local.internal;

import static dev.vpclattice.contract.PayloadLimits.MAX_PAYLOAD_BYTES;

import dev.vpclattice.contract.PayloadLimits;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.CanonicalPathForm;
import dev.vpclattice.local.LatticeTarget;
import dev.vpclattice.local.ListenerProtocol;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Plays VPC Lattice for one request, in the order Lattice works: route by host, authenticate the signature,
 * authorize the principal, read the body within Lambda's payload limit, invoke the target and map its answer back to
 * HTTP. A request refused before the read never has its body read: the answer carries {@code Connection: close}.
 *
 * <p>Lambda's payload limit applies to the whole event JSON (a binary body's base64 inflation included) and to the
 * function's response JSON: {@link PayloadLimits}, the event model's one home for it.
 */
public final class LatticeExchangeHandler extends Handler.Abstract {
    /** The longest method or path the access log writes; longer ones are cut and marked. */
    static final int MAX_LOGGED_CHARS = 256;

    private static final Set<String> HOP_BY_HOP_RESPONSE = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "content-length");

    /**
     * Everything the handler needs, fixed when the server starts.
     *
     * @param authType the service's auth type
     * @param verifier the SigV4 verifier; it knows the one {@link CanonicalPathForm} it accepts
     * @param pathForm the path form signatures are verified in, which decides the path the target receives
     * @param allowedPrincipals the auth policy: principals allowed to invoke; empty means any authenticated
     *     principal; {@code *} also admits unauthenticated callers
     * @param events builds the V2 event
     * @param codec writes events and responses as JSON, to measure them as Lambda does
     * @param target the target
     * @param serviceArn the service ARN, for denial messages
     * @param clock the clock for {@code timeEpoch}
     * @param accessLog receives one line per request (method, path without query, status, principal, duration)
     * @param hostNames the host names the service answers to, lower case; other hosts get {@code 404}
     * @param listener the listener's protocol, whose default port a host may omit
     * @param port the port the server listens on, which the host must name (or omit when it is the default)
     * @param bodyTimeout the longest time a client may take to send a body once its headers arrived
     */
    public record Config(
            AuthType authType,
            SigV4Verifier verifier,
            CanonicalPathForm pathForm,
            Set<String> allowedPrincipals,
            EventFactory events,
            VpcLatticeEventCodec codec,
            LatticeTarget target,
            String serviceArn,
            Clock clock,
            Consumer<String> accessLog,
            Set<String> hostNames,
            ListenerProtocol listener,
            int port,
            Duration bodyTimeout) {
        /** Copies the sets and checks that nothing is missing. */
        public Config {
            Objects.requireNonNull(authType, "authType");
            Objects.requireNonNull(verifier, "verifier");
            Objects.requireNonNull(pathForm, "pathForm");
            allowedPrincipals = Set.copyOf(allowedPrincipals);
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(serviceArn, "serviceArn");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(accessLog, "accessLog");
            hostNames = Set.copyOf(hostNames);
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        }
    }

    private final Config config;
    private volatile HeaderDeadlines deadlines;

    /**
     * Creates the handler.
     *
     * @param config its configuration
     */
    public LatticeExchangeHandler(Config config) {
        super(InvocationType.BLOCKING);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Lets the handler tell the header deadlines when a connection's request starts and ends. */
    void useDeadlines(HeaderDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback);
        try {
            Route route = route(exchange);
            if (route == null) {
                return true;
            }
            LocalCredential caller = authenticate(exchange, route);
            if (exchange.answered() || !authorize(exchange, route, caller)) {
                return true;
            }
            byte[] body = read(exchange);
            if (body != null) {
                invoke(exchange, route, caller, body);
            }
        } catch (RuntimeException e) {
            config.accessLog().accept("local lattice failed: " + e.getClass().getName());
            if (!exchange.answered()) {
                exchange.text(
                        500, "InternalServerException: This local VPC Lattice failed to handle the request.", true);
            }
        }
        return true;
    }

    /** What the request names once it is routed: the path as sent, the path the target receives, the headers. */
    private record Route(
            String method, String rawPath, String forwardedPath, String rawQuery, Map<String, List<String>> headers) {}

    /**
     * Lattice routes by host before it authenticates: a name it does not serve never reaches the service. The host is
     * the request target's authority when it has one (absolute form) and the Host header otherwise.
     */
    private Route route(Exchange exchange) {
        Request request = exchange.request;
        HttpURI uri = request.getHttpURI();
        String rawPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        exchange.loggedPath = rawPath;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>())
                    .add(field.getValue());
        }
        String host = uri.getHost();
        if (!servesHost(host, uri.getPort())) {
            String named = host == null ? "" : uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
            exchange.text(
                    404,
                    "NotFoundException: This local VPC Lattice serves no service for host '"
                            + printable(named) + "'. It answers to "
                            + String.join(
                                    ", ",
                                    config.hostNames().stream()
                                            .sorted()
                                            .map(name -> name + ":" + config.port())
                                            .toList())
                            + " (add names with --host-name).",
                    true);
            return null;
        }
        String forwarded = rawPath;
        if (config.pathForm() == CanonicalPathForm.DOUBLE_ENCODED) {
            // What is authorized must be what is invoked: the SDK's form verifies the normalized path, so the target
            // receives that same normalized path.
            try {
                forwarded = normalize(rawPath);
            } catch (IllegalArgumentException e) {
                exchange.text(400, "BadRequestException: The request path is not a valid URI path.", true);
                return null;
            }
        }
        exchange.loggedPath = forwarded;
        return new Route(request.getMethod(), rawPath, forwarded, uri.getQuery(), headers);
    }

    /**
     * Lattice authenticates every request signed with SigV4, under auth type {@code NONE} too, and fails it if the
     * signature is bad (User Guide, SIGv4 authenticated requests). An unsigned request has no caller.
     *
     * @return the verified credential, or null for an unsigned caller (or when the request was refused)
     */
    private LocalCredential authenticate(Exchange exchange, Route route) {
        if (config.authType() == AuthType.NONE && !SigV4Verifier.claimsSigV4(route.headers())) {
            return null;
        }
        SigV4Verifier.Result result =
                config.verifier().verify(route.method(), route.rawPath(), route.rawQuery(), route.headers());
        if (result instanceof SigV4Verifier.Rejected rejected) {
            exchange.principal = "-";
            exchange.text(403, rejected.errorCode() + ": " + rejected.message(), true);
            return null;
        }
        if (result instanceof SigV4Verifier.Authenticated authenticated) {
            exchange.principal = authenticated.credential().principalArn();
            return authenticated.credential();
        }
        return null;
    }

    /** Applies the auth policy (AWS_IAM only; NONE has none). */
    private boolean authorize(Exchange exchange, Route route, LocalCredential caller) {
        if (config.authType() == AuthType.NONE || allowed(caller)) {
            return true;
        }
        exchange.text(
                403,
                "AccessDeniedException: User: " + exchange.principal + " is not authorized to perform:"
                        + " vpc-lattice-svcs:Invoke on resource: " + config.serviceArn() + route.forwardedPath()
                        + " because no service-based policy allows the vpc-lattice-svcs:Invoke action",
                true);
        return false;
    }

    private boolean allowed(LocalCredential caller) {
        Set<String> allowed = config.allowedPrincipals();
        if (allowed.contains("*")) {
            return true;
        }
        return caller != null && (allowed.isEmpty() || allowed.contains(caller.principalArn()));
    }

    /**
     * Reads the body, which only an authorized caller gets to send. A body that cannot fit in a 6 MB event is refused
     * at once when its declared length says so, else as soon as it passes the limit; a body that is not complete
     * within the body timeout gets {@code 408}; a malformed chunked body gets {@code 400}.
     *
     * @return the body, or null when the request was answered instead
     */
    private byte[] read(Exchange exchange) {
        Request request = exchange.request;
        if (!PayloadLimits.fits(request.getLength())) {
            exchange.payloadTooLarge("The request body is " + request.getLength() + " bytes");
            return null;
        }
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        new BodyReader(request, MAX_PAYLOAD_BYTES, body).run();
        try {
            byte[] bytes = body.get(config.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (bytes == null) {
                exchange.payloadTooLarge("The request body is over " + MAX_PAYLOAD_BYTES + " bytes");
            }
            return bytes;
        } catch (TimeoutException e) {
            request.fail(new TimeoutException("the request body was not complete within " + config.bodyTimeout()));
            exchange.text(
                    408,
                    "RequestTimeoutException: The request body was not complete within "
                            + config.bodyTimeout().toSeconds() + " s.",
                    true);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.text(503, "ServiceUnavailableException: This local VPC Lattice is stopping.", true);
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpException http && http.getCode() == 400) {
                exchange.text(
                        400,
                        "BadRequestException: The request body is malformed: "
                                + printable(String.valueOf(cause.getMessage())),
                        true);
            } else {
                exchange.text(
                        400,
                        "BadRequestException: The request body could not be read: "
                                + cause.getClass().getSimpleName(),
                        true);
            }
            return null;
        }
    }

    /**
     * Builds the event, checks that its JSON fits Lambda's limit, invokes the target and answers with its response,
     * or with {@code 502} when the response is not one Lattice could return.
     */
    private void invoke(Exchange exchange, Route route, LocalCredential caller, byte[] body) {
        VpcLatticeV2Request event = config.events()
                .build(
                        route.method(),
                        route.forwardedPath(),
                        route.rawQuery(),
                        route.headers(),
                        body,
                        Request.getRemoteAddr(exchange.request),
                        caller,
                        exchange.receivedAt);
        int eventBytes = config.codec().writeRequest(event).length;
        if (!PayloadLimits.fits(eventBytes)) {
            exchange.payloadTooLarge("The Lambda event for this request would be " + eventBytes + " bytes"
                    + " (the body as the event carries it, base64 when binary, plus the request's other fields)");
            return;
        }
        VpcLatticeV2Response response;
        try {
            response = config.target().invoke(event);
        } catch (Exception e) {
            config.accessLog().accept("target failed: " + e.getClass().getName());
            response = null;
        }
        exchange.targetResponse(response);
    }

    /**
     * Removes {@code .} and {@code ..} segments and empty segments ({@code //}) as the SDK signer's path
     * normalization does; percent-escapes are left alone.
     *
     * @throws IllegalArgumentException if the path is not a URI path
     */
    static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        // A scheme and host in front keep a leading "//" a path instead of an authority.
        String normalized = URI.create("https://h" + rawPath).normalize().getRawPath();
        return normalized == null || normalized.isEmpty() ? "/" : normalized;
    }

    private boolean servesHost(String host, int requestedPort) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.indexOf(':') >= 0 && !name.startsWith("[")) {
            name = "[" + name + "]";
        }
        return (requestedPort <= 0 ? config.listener().defaultPort() : requestedPort) == config.port()
                && config.hostNames().contains(name);
    }

    /** Printable ASCII only, at most 255 characters: for echoing a client's value in an answer. */
    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String kept = value.codePoints()
                .filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return kept.length() > 255 ? kept.substring(0, 255) + "..." : kept;
    }

    /**
     * A client's value made safe for a one-line log: control characters (C0, DEL, C1) and backslashes escaped as
     * {@code \xNN} / {@code \\}, so no request can end a line, fake a field or send terminal escapes; and cut at
     * {@value #MAX_LOGGED_CHARS} characters, marked with the original length.
     */
    static String loggable(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LOGGED_CHARS) + 16);
        int i = 0;
        for (; i < value.length() && out.length() < MAX_LOGGED_CHARS; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(c);
            }
        }
        if (i < value.length()) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    /** Reads a request body into memory, up to a limit, completing the future with null when it is over. */
    private static final class BodyReader implements Runnable {
        private final Request request;
        private final int limit;
        private final CompletableFuture<byte[]> result;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BodyReader(Request request, int limit, CompletableFuture<byte[]> result) {
            this.request = request;
            this.limit = limit;
            this.result = result;
        }

        @Override
        public void run() {
            while (!result.isDone()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    result.completeExceptionally(chunk.getFailure());
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int length = buffer.remaining();
                if (bytes.size() + (long) length > limit) {
                    chunk.release();
                    result.complete(null);
                    return;
                }
                byte[] copy = new byte[length];
                buffer.get(copy);
                bytes.write(copy, 0, length);
                chunk.release();
                // Trailers (a chunked body's trailer fields) end the body; an event has no place for them.
                if (chunk.isLast()) {
                    result.complete(bytes.toByteArray());
                }
            }
        }
    }

    /** One request's answer and its access-log line, written once whichever step answers. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final long started = System.nanoTime();
        final Instant receivedAt = config.clock().instant();
        final Connection connection;
        String loggedPath;
        String principal = "anonymous";
        private boolean answered;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.connection = request.getConnectionMetaData().getConnection();
            HeaderDeadlines current = deadlines;
            if (current != null) {
                current.requestStarted(connection);
            }
        }

        boolean answered() {
            return answered;
        }

        void payloadTooLarge(String what) {
            text(
                    413,
                    "PayloadTooLargeException: " + what + ", over Lambda's invocation payload limit of "
                            + MAX_PAYLOAD_BYTES + " bytes (6 MB) for the event.",
                    true);
        }

        /**
         * Answers with a {@code text/plain} body. With {@code close}, the connection ends after the answer, so a
         * refused caller's body is never read.
         */
        void text(int status, String text, boolean close) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            if (close) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            send(status, text.getBytes(StandardCharsets.UTF_8));
        }

        void targetResponse(VpcLatticeV2Response answer) {
            if (answer == null) {
                text(502, "Bad Gateway", false);
                return;
            }
            int status = answer.getStatusCode();
            if (status < 200 || status > 599) {
                config.accessLog().accept("target answered an invalid statusCode " + status);
                text(502, "Bad Gateway", false);
                return;
            }
            byte[] body;
            int json;
            try {
                body = answer.decodeBody();
                json = config.codec().writeResponse(answer).length;
            } catch (RuntimeException e) {
                config.accessLog().accept("target answered an undecodable body: " + loggable(e.getMessage()));
                text(502, "Bad Gateway", false);
                return;
            }
            if (!PayloadLimits.fits(json)) {
                config.accessLog()
                        .accept("target answered " + json + " bytes of response JSON, over Lambda's "
                                + MAX_PAYLOAD_BYTES + "-byte limit");
                text(502, "Bad Gateway", false);
                return;
            }
            if (answer.getHeaders() != null) {
                answer.getHeaders().forEach((name, value) -> {
                    if (name != null && value != null && !HOP_BY_HOP_RESPONSE.contains(name.toLowerCase(Locale.ROOT))) {
                        response.getHeaders().add(name, value);
                    }
                });
            }
            boolean noBody = status == 204 || status == 304;
            send(status, noBody || body == null ? new byte[0] : body);
        }

        private void send(int status, byte[] body) {
            answered = true;
            response.setStatus(status);
            Callback done = Callback.from(
                    () -> {
                        finish();
                        callback.succeeded();
                    },
                    failure -> {
                        finish();
                        callback.failed(failure);
                    });
            boolean head = "HEAD".equalsIgnoreCase(request.getMethod());
            if (body.length == 0 || head) {
                if (!head && status != 204 && status != 304) {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
                }
                response.write(true, null, done);
            } else {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), done);
            }
        }

        private void finish() {
            HeaderDeadlines current = deadlines;
            if (current != null) {
                current.requestFinished(connection);
            }
            config.accessLog()
                    .accept(loggable(request.getMethod()) + " " + loggable(loggedPath) + " "
                            + response.getStatus() + " " + principal + " "
                            + Duration.ofNanos(System.nanoTime() - started).toMillis() + "ms");
        }
    }
}
