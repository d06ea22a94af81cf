package dev.vpclattice.local.internal;

import static dev.vpclattice.contract.PayloadLimits.MAX_PAYLOAD_BYTES;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.contract.PayloadLimits;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeRequest;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.CanonicalPathForm;
import dev.vpclattice.local.LatticeTarget;
import dev.vpclattice.local.ListenerProtocol;
import java.io.IOException;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Plays VPC Lattice for one request, in the order Lattice works: check the framing, route by host, authenticate the
 * signature, authorize the principal, then either read the body within Lambda's payload limit, hand the V2 or V1 event
 * to the target through the {@link TargetDispatcher} and map its answer back to HTTP, or forward the request to an
 * HTTP target through the {@link HttpTargetProxy}, both bodies streamed. No step holds a server thread while it
 * waits: the body is read as it arrives, and the target runs on the dispatcher's threads or answers asynchronously.
 *
 * <p>Every answer carries {@code x-amzn-requestid}: the client's own value (cut to 512 bytes) or a new UUID, as
 * Lattice's request tracking does; an HTTP target receives it too.
 *
 * <p>A request refused before its body is read is answered at once, with {@code Connection: close}; then up to
 * {@link #DRAIN_BYTES} of its body are read and discarded, within {@link #DRAIN_TIME}, so that a client that sends
 * its whole body before reading can still read the answer, and the connection closes cleanly.
 *
 * <p>Lambda's payload limit applies to the whole event JSON (a binary body's base64 inflation included) and to the
 * function's response JSON: {@link PayloadLimits}, the contract's one home for it.
 */
public final class LatticeExchangeHandler extends Handler.Abstract {
    /** The longest method or path the access log writes; longer ones are cut and marked. */
    static final int MAX_LOGGED_CHARS = 256;

    /** The most body bytes read and discarded after an early refusal; a longer declared body is not read at all. */
    public static final long DRAIN_BYTES = 16L * 1024 * 1024;

    /** The longest time spent reading and discarding a refused request's body. */
    public static final Duration DRAIN_TIME = Duration.ofSeconds(10);

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
     * @param events builds the event
     * @param eventVersion the version of the event the target receives
     * @param codec writes events and responses as JSON, to measure them as Lambda does
     * @param target the target of events; null when {@code httpTarget} is set
     * @param measureResponses whether to measure the target's response as JSON against Lambda's limit; false for a
     *     target that measured the bytes its function wrote itself
     * @param dispatcher runs requests against the target, a bounded number at once; null when {@code httpTarget} is
     *     set
     * @param httpTarget forwards requests to an HTTP target instead; null for a target of events
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
            EventVersion eventVersion,
            VpcLatticeEventCodec codec,
            LatticeTarget target,
            boolean measureResponses,
            TargetDispatcher dispatcher,
            HttpTargetProxy httpTarget,
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
            Objects.requireNonNull(eventVersion, "eventVersion");
            Objects.requireNonNull(codec, "codec");
            if ((httpTarget == null) == (target == null) || (target == null) != (dispatcher == null)) {
                throw new IllegalArgumentException("exactly one of a target with its dispatcher and an HTTP target");
            }
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
        // Declared blocking so that Jetty runs it on a pool thread, not the selector: verification costs CPU time.
        super(InvocationType.BLOCKING);
        this.config = Objects.requireNonNull(config, "config");
        if (config.httpTarget() != null) {
            // Started and stopped with this handler: its HTTP client lives as long as the server.
            addBean(config.httpTarget(), true);
        }
    }

    /** The HTTP target's proxy is a handler too, of the same server. */
    @Override
    public void setServer(Server server) {
        super.setServer(server);
        if (config.httpTarget() != null) {
            config.httpTarget().setServer(server);
        }
    }

    /** Lets the handler tell the header deadlines when a connection's request starts and ends. */
    void useDeadlines(HeaderDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback);
        try {
            if (!framed(exchange)) {
                return true;
            }
            Route route = route(exchange);
            if (route == null) {
                return true;
            }
            LocalCredential caller = authenticate(exchange, route);
            if (exchange.answered() || !authorize(exchange, route, caller)) {
                return true;
            }
            if (config.httpTarget() != null) {
                exchange.forward(route, caller);
                return true;
            }
            readBody(exchange, body -> dispatch(exchange, route, caller, body));
        } catch (RuntimeException e) {
            exchange.internalFailure(e);
        }
        return true;
    }

    /** What the request names once it is routed: the path as sent, the path the target receives, the headers. */
    private record Route(
            String method, String rawPath, String forwardedPath, String rawQuery, Map<String, List<String>> headers) {}

    /**
     * Refuses framing Jetty lets through but RFC 9112 does not: a transfer coding other than {@code chunked} is
     * {@code 501} (section 6.1: a coding the server does not understand), and any {@code Transfer-Encoding} on
     * HTTP/1.0 is {@code 400} (section 6.1: the framing is faulty). The connection closes after either.
     */
    private boolean framed(Exchange exchange) {
        List<String> codings = new ArrayList<>();
        for (String value : exchange.request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING)) {
            for (String coding : value.split(",")) {
                if (!coding.isBlank()) {
                    codings.add(coding.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (codings.isEmpty()) {
            return true;
        }
        if (exchange.request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0) {
            exchange.refuse(400, "BadRequestException: Transfer-Encoding is not defined for HTTP/1.0 requests.", false);
            return false;
        }
        for (String coding : codings) {
            if (!coding.equals("chunked")) {
                exchange.refuse(
                        501,
                        "NotImplementedException: The transfer coding '" + printable(coding)
                                + "' is not supported; only chunked is.",
                        false);
                return false;
            }
        }
        return true;
    }

    /**
     * Lattice routes by host before it authenticates: a name it does not serve never reaches the service. The host is
     * the request target's authority when it has one (absolute form) and the Host header otherwise; Jetty refuses an
     * absolute-form target whose authority differs from the Host header, so the Host header that the signature
     * covers always names the host that was routed.
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
            exchange.refuse(
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
                exchange.refuse(400, "BadRequestException: The request path is not a valid URI path.", true);
                return null;
            }
        }
        exchange.loggedPath = forwarded;
        return new Route(request.getMethod(), rawPath, forwarded, uri.getQuery(), headers);
    }

    /**
     * Lattice authenticates every request signed with SigV4, under auth type {@code NONE} too, and fails it if the
     * signature is bad (User Guide, SIGv4 authenticated requests). A request that carries SigV4 material anywhere (an
     * {@code Authorization} value naming an {@code AWS4-} algorithm in any case, presigned query parameters) is
     * verified; an unsigned request has no caller.
     *
     * @return the verified credential, or null for an unsigned caller (or when the request was refused)
     */
    private LocalCredential authenticate(Exchange exchange, Route route) {
        if (!SigV4Verifier.carriesSigV4(route.headers(), route.rawQuery())) {
            return null;
        }
        SigV4Verifier.Result result =
                config.verifier().verify(route.method(), route.rawPath(), route.rawQuery(), route.headers());
        if (result instanceof SigV4Verifier.Rejected rejected) {
            exchange.principal = "-";
            exchange.refuse(403, rejected.errorCode() + ": " + rejected.message(), true);
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
        exchange.refuse(
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
     * Reads the body, which only an authorized caller gets to send, without holding a thread. A body that cannot fit
     * in a 6 MB event is refused at once when its declared length says so, else as soon as it passes the limit; a
     * body that is not complete within the body timeout gets {@code 408}; a malformed chunked body gets {@code 400}.
     */
    private void readBody(Exchange exchange, Consumer<byte[]> then) {
        Request request = exchange.request;
        if (!PayloadLimits.fits(request.getLength())) {
            exchange.payloadTooLarge("The request body is " + request.getLength() + " bytes");
            return;
        }
        RequestBody.collect(request, MAX_PAYLOAD_BYTES, config.bodyTimeout(), outcome -> {
            try {
                if (outcome instanceof RequestBody.Complete complete) {
                    then.accept(complete.bytes());
                } else if (outcome instanceof RequestBody.TooLarge) {
                    exchange.payloadTooLarge("The request body is over " + MAX_PAYLOAD_BYTES + " bytes");
                } else if (outcome instanceof RequestBody.TimedOut) {
                    exchange.refuse(
                            408,
                            "RequestTimeoutException: The request body was not complete within "
                                    + config.bodyTimeout().toSeconds() + " s.",
                            false);
                } else if (outcome instanceof RequestBody.Failed failed) {
                    exchange.refuse(400, unreadable(failed.cause()), false);
                }
            } catch (RuntimeException e) {
                exchange.internalFailure(e);
            }
        });
    }

    private static String unreadable(Throwable cause) {
        if (cause instanceof HttpException http && http.getCode() == 400) {
            return "BadRequestException: The request body is malformed: "
                    + printable(String.valueOf(cause.getMessage()));
        }
        return "BadRequestException: The request body could not be read: "
                + cause.getClass().getSimpleName();
    }

    /**
     * Builds the event and checks that its JSON fits Lambda's limit, then queues the invocation. Beyond the queue's
     * bound the caller gets {@code 429}, as a throttled service answers.
     */
    private void dispatch(Exchange exchange, Route route, LocalCredential caller, byte[] body) {
        String clientAddress = Request.getRemoteAddr(exchange.request);
        VpcLatticeRequest event;
        int eventBytes;
        if (config.eventVersion() == EventVersion.V1) {
            VpcLatticeV1Request v1 = config.events()
                    .buildV1(
                            route.method(),
                            route.forwardedPath(),
                            route.rawQuery(),
                            route.headers(),
                            body,
                            clientAddress);
            event = v1;
            eventBytes = config.codec().writeV1Request(v1).length;
        } else {
            VpcLatticeV2Request v2 = config.events()
                    .build(
                            route.method(),
                            route.forwardedPath(),
                            route.rawQuery(),
                            route.headers(),
                            body,
                            clientAddress,
                            caller,
                            exchange.receivedAt);
            event = v2;
            eventBytes = config.codec().writeRequest(v2).length;
        }
        if (!PayloadLimits.fits(eventBytes)) {
            exchange.payloadTooLarge("The Lambda event for this request would be " + eventBytes + " bytes"
                    + " (the body as the event carries it, base64 when binary, plus the request's other fields)");
            return;
        }
        if (!config.dispatcher().submit(new Invocation(exchange, event))) {
            exchange.answer(
                    429,
                    "TooManyRequestsException: This local VPC Lattice's target is busy and its queue of waiting"
                            + " requests is full. Retry later.");
        }
    }

    /** One authorized request's call to the target, as the dispatcher runs it. */
    private final class Invocation implements TargetDispatcher.Job {
        private final Exchange exchange;
        private final VpcLatticeRequest event;

        Invocation(Exchange exchange, VpcLatticeRequest event) {
            this.exchange = exchange;
            this.event = event;
        }

        @Override
        public boolean clientGone() {
            return exchange.clientGone();
        }

        @Override
        public void run() {
            VpcLatticeV2Response response;
            try {
                response = event instanceof VpcLatticeV1Request v1
                        ? config.target().invokeV1(v1)
                        : config.target().invoke((VpcLatticeV2Request) event);
            } catch (Exception e) {
                config.accessLog().accept("target failed: " + e.getClass().getName());
                response = null;
            }
            try {
                exchange.targetResponse(response);
            } catch (RuntimeException e) {
                exchange.internalFailure(e);
            }
        }

        @Override
        public void dropped() {
            exchange.abandon("ClientConnectionClosed: the client left while the request waited; not invoked");
        }

        @Override
        public void cancelled() {
            exchange.abandon("the server stopped while the request waited; not invoked");
        }
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

    /** One request's answer and its access-log line, written once whichever step answers. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final long started = System.nanoTime();
        final Instant receivedAt = config.clock().instant();
        final Connection connection;
        final String requestId;
        volatile String loggedPath;
        volatile String principal = "anonymous";
        /** Why an HTTP target failed, for the access log. */
        private volatile String targetFailure;

        private final AtomicBoolean answered = new AtomicBoolean();
        private final AtomicBoolean completed = new AtomicBoolean();
        /** Bytes of a pipelined next request read while checking on the client, handed back to Jetty at the end. */
        private volatile ByteBuffer pipelined;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.connection = request.getConnectionMetaData().getConnection();
            this.requestId = requestId(request);
            response.getHeaders().put(LatticeHeaders.REQUEST_ID, requestId);
            HeaderDeadlines current = deadlines;
            if (current != null) {
                current.requestStarted(connection);
            }
        }

        boolean answered() {
            return answered.get();
        }

        /**
         * Until the answer's head is out, checks twice a second whether the client has left (once its body is read,
         * the only time the connection may be read for that): a target working on an abandoned request is stopped
         * rather than kept until its idle timeout. Afterwards, writing the answer notices it.
         */
        private void watchClientWhileForwarding() {
            Scheduler scheduler = request.getComponents().getScheduler();
            Runnable watch = new Runnable() {
                @Override
                public void run() {
                    if (completed.get() || response.isCommitted()) {
                        return;
                    }
                    if (config.httpTarget().bodyRead(request) && clientGone()) {
                        config.httpTarget().clientLeft(request);
                        return;
                    }
                    scheduler.schedule(this, CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                }
            };
            scheduler.schedule(watch, CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** Hands the request to the HTTP target, which answers the client; the body streams through. */
        void forward(Route route, LocalCredential caller) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            Callback delivered = Callback.from(
                    () -> {
                        log(Integer.toString(response.getStatus()), targetFailure);
                        complete();
                    },
                    failure -> {
                        String note = targetFailure;
                        log(
                                response.isCommitted() ? Integer.toString(response.getStatus()) : "-",
                                note == null ? "ClientConnectionClosed: the answer was not delivered" : note);
                        finishExchange(() -> callback.failed(failure));
                    });
            watchClientWhileForwarding();
            config.httpTarget()
                    .forward(
                            request,
                            response,
                            delivered,
                            new HttpTargetProxy.Forward(
                                    route.forwardedPath(),
                                    route.rawQuery(),
                                    caller,
                                    requestId,
                                    config.port(),
                                    note -> targetFailure = note));
        }

        void payloadTooLarge(String what) {
            refuse(
                    413,
                    "PayloadTooLargeException: " + what + ", over Lambda's invocation payload limit of "
                            + MAX_PAYLOAD_BYTES + " bytes (6 MB) for the event.",
                    true);
        }

        /**
         * Answers with a {@code text/plain} body and closes the connection after it. With {@code drain}, the unread
         * rest of the body is first read and discarded within {@link #DRAIN_BYTES} and {@link #DRAIN_TIME}, unless
         * the client declared a longer one. A client that waits for {@code 100 Continue} gets none (the answer is
         * final), sends no body and closes, which ends the drain; one that sends its body anyway is drained too.
         */
        void refuse(int status, String text, boolean drain) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            boolean drains = drain && request.getLength() <= DRAIN_BYTES;
            send(status, text.getBytes(StandardCharsets.UTF_8), drains ? this::drainThenComplete : this::complete);
        }

        /** Answers with a {@code text/plain} body, keeping the connection: the request was read in full. */
        void answer(int status, String text) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            send(status, text.getBytes(StandardCharsets.UTF_8), this::complete);
        }

        private void drainThenComplete() {
            RequestBody.discard(request, DRAIN_BYTES, DRAIN_TIME, outcome -> complete());
        }

        void internalFailure(RuntimeException e) {
            config.accessLog().accept("local lattice failed: " + e.getClass().getName());
            if (!answered()) {
                refuse(500, "InternalServerException: This local VPC Lattice failed to handle the request.", false);
            }
        }

        /**
         * Whether the client has closed its connection: a read that does not wait says so. Bytes it returns belong to
         * a pipelined next request; they are kept and handed back to Jetty when this exchange ends.
         */
        boolean clientGone() {
            EndPoint endPoint = connection.getEndPoint();
            if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
                return true;
            }
            if (!(connection instanceof Connection.UpgradeTo) || pipelined != null) {
                return false;
            }
            ByteBuffer buffer = BufferUtil.allocate(4096);
            try {
                int read = endPoint.fill(buffer);
                if (read > 0) {
                    pipelined = buffer;
                }
                return read < 0;
            } catch (IOException e) {
                return true;
            }
        }

        /** Ends an exchange whose target was never invoked, logging why. */
        void abandon(String why) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            log("-", why);
            finishExchange(() -> callback.failed(new IOException(why)));
        }

        void targetResponse(VpcLatticeV2Response answer) {
            if (answer == null) {
                answer(502, "Bad Gateway");
                return;
            }
            int status = answer.getStatusCode();
            if (status < 200 || status > 599) {
                config.accessLog().accept("target answered an invalid statusCode " + status);
                answer(502, "Bad Gateway");
                return;
            }
            byte[] body;
            try {
                body = answer.decodeBody();
                if (config.measureResponses()) {
                    int json = config.codec().writeResponse(answer).length;
                    if (!PayloadLimits.fits(json)) {
                        config.accessLog()
                                .accept("target answered " + json + " bytes of response JSON, over Lambda's "
                                        + MAX_PAYLOAD_BYTES + "-byte limit");
                        answer(502, "Bad Gateway");
                        return;
                    }
                }
            } catch (RuntimeException e) {
                config.accessLog().accept("target answered an undecodable body: " + loggable(e.getMessage()));
                answer(502, "Bad Gateway");
                return;
            }
            Map<String, String> headers = answer.getHeaders() == null ? Map.of() : answer.getHeaders();
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey() == null || header.getValue() == null) {
                    continue;
                }
                if (!validHeaderName(header.getKey()) || !validHeaderValue(header.getValue())) {
                    config.accessLog()
                            .accept("target answered a header that is not valid HTTP: " + loggable(header.getKey()));
                    answer(502, "Bad Gateway");
                    return;
                }
            }
            headers.forEach((name, value) -> {
                if (name != null
                        && value != null
                        && !HOP_BY_HOP_RESPONSE.contains(name.toLowerCase(Locale.ROOT))
                        && !LatticeHeaders.REQUEST_ID.equalsIgnoreCase(name)) {
                    response.getHeaders().add(name, value);
                }
            });
            boolean noBody = status == 204 || status == 304;
            send(status, noBody || body == null ? new byte[0] : body, this::complete);
        }

        /** Writes the answer once; {@code then} ends the exchange after a successful write. */
        private void send(int status, byte[] body, Runnable then) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            response.setStatus(status);
            Callback written = Callback.from(
                    () -> {
                        log(Integer.toString(status), null);
                        then.run();
                    },
                    failure -> {
                        log(Integer.toString(status), "ClientConnectionClosed: the answer was not delivered");
                        finishExchange(() -> callback.failed(failure));
                    });
            boolean head = "HEAD".equalsIgnoreCase(request.getMethod());
            if (body.length == 0 || head) {
                if (!head && status != 204 && status != 304) {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
                }
                response.write(true, null, written);
            } else {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), written);
            }
        }

        private void complete() {
            finishExchange(() -> {
                ByteBuffer next = pipelined;
                if (next != null && connection instanceof Connection.UpgradeTo http) {
                    // The bytes of the next request, read while this one waited: Jetty parses them once this ends.
                    http.onUpgradeTo(next);
                }
                callback.succeeded();
            });
        }

        private void finishExchange(Runnable end) {
            if (!completed.compareAndSet(false, true)) {
                return;
            }
            HeaderDeadlines current = deadlines;
            if (current != null) {
                current.requestFinished(connection);
            }
            end.run();
        }

        private void log(String status, String note) {
            config.accessLog()
                    .accept(loggable(request.getMethod()) + " " + loggable(loggedPath) + " " + status + " " + principal
                            + " "
                            + Duration.ofNanos(System.nanoTime() - started).toMillis() + "ms"
                            + (note == null ? "" : " " + note));
        }
    }

    /** How often a forwarded request's client is checked for having left. */
    private static final long CLIENT_CHECK_MILLIS = 500;

    /** The longest {@code x-amzn-requestid} a client may set; Lattice cuts longer ones to this. */
    static final int MAX_REQUEST_ID_BYTES = 512;

    /**
     * The request's ID: the client's {@code x-amzn-requestid}, cut to 512 bytes, or a new random UUID ("Request
     * tracking", VPC Lattice User Guide, access logs).
     */
    private static String requestId(Request request) {
        String sent = request.getHeaders().get(LatticeHeaders.REQUEST_ID);
        if (sent == null || sent.isBlank()) {
            return UUID.randomUUID().toString();
        }
        byte[] bytes = sent.getBytes(StandardCharsets.ISO_8859_1);
        return bytes.length <= MAX_REQUEST_ID_BYTES
                ? sent
                : new String(bytes, 0, MAX_REQUEST_ID_BYTES, StandardCharsets.ISO_8859_1);
    }

    /** An RFC 9110 field name: one or more token characters. */
    static boolean validHeaderName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 9110 field value: no control character but horizontal tab, so no CR or LF can split the response. */
    static boolean validHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
