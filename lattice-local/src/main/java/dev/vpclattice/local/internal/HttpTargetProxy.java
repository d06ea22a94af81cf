package dev.vpclattice.local.internal;

import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.contract.ListenerLimits;
import dev.vpclattice.local.ListenerProtocol;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Forwards an authorized request to an HTTP target as VPC Lattice does for instance, IP, ALB, ECS and EKS targets:
 * Jetty's reverse proxy, streaming both bodies, dropping hop-by-hop headers, with the headers Lattice adds.
 *
 * <ul>
 *   <li>Every client-sent {@code x-amzn-lattice-*} header is dropped, and so are {@code x-forwarded-port},
 *       {@code x-forwarded-proto} and {@code x-amzn-requestid}, which this proxy sets itself.</li>
 *   <li>Added ("HTTP targets in VPC Lattice", VPC Lattice User Guide): {@code x-forwarded-for} (the client's address
 *       appended to any it sent), {@code x-forwarded-port}, {@code x-forwarded-proto}, {@code x-amzn-lattice-identity}
 *       and {@code x-amzn-lattice-identity-tags} for an authenticated caller, {@code x-amzn-lattice-network},
 *       {@code x-amzn-lattice-target}; and {@code x-amzn-requestid} (the access-log page), which the client's answer
 *       carries too. No {@code Via} or {@code Forwarded}: Lattice documents neither.</li>
 *   <li>HTTP/1.1 to the target, Lattice's default protocol version; the client's {@code Host} header is kept.</li>
 *   <li>A target that cannot be connected to gets the client {@code 500}, one that closes the connection or answers
 *       something that is not HTTP before its answer's head {@code 502}, one that sends nothing for the idle timeout
 *       {@code 504}; once the answer's head reached the client, a failure can only end the client's connection.</li>
 * </ul>
 */
public final class HttpTargetProxy extends ProxyHandler {
    private static final String FORWARD = HttpTargetProxy.class.getName() + ".forward";
    private static final String CLIENT_FAILURE = HttpTargetProxy.class.getName() + ".clientFailure";
    private static final String UPSTREAM = HttpTargetProxy.class.getName() + ".upstream";
    private static final String BODY_READ = HttpTargetProxy.class.getName() + ".bodyRead";
    private static final String AWAITING_CLIENT = HttpTargetProxy.class.getName() + ".awaitingClient";

    /** Lattice's limit on a request's headers ("60K"); the target's answer gets the same. */
    static final int MAX_HEADERS_BYTES = 64 * 1024;

    private final URI target;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final int maxQueuedRequests;
    private final LatticeResources resources;
    private final CallerDetails callers;
    private final ListenerProtocol listener;

    /**
     * One request's forwarding: what the checks before it decided.
     *
     * @param path the path the target receives (the one the signature was verified over)
     * @param rawQuery the query as sent, or null
     * @param caller the verified caller, or null for an unauthenticated one
     * @param requestId the request's {@code x-amzn-requestid}
     * @param listenerPort the port the client connected to, for {@code x-forwarded-port}
     * @param failure receives why the target failed (the access log's note), at most once
     */
    public record Forward(
            String path,
            String rawQuery,
            LocalCredential caller,
            String requestId,
            int listenerPort,
            Consumer<String> failure) {}

    /**
     * Creates the proxy; it starts with the handler that holds it.
     *
     * @param target {@code http://HOST:PORT}, the target's address
     * @param idleTimeout how long a connection to the target may carry nothing, with or without a request on it
     * @param maxConnections the most connections to the target at once
     * @param maxQueuedRequests the most requests waiting for a connection; more are refused with {@code 429}
     * @param resources the ARNs reported in {@code x-amzn-lattice-network} and {@code x-amzn-lattice-target}
     * @param callers what is reported about an authenticated caller
     * @param listener the listener's protocol, for {@code x-forwarded-proto}
     */
    public HttpTargetProxy(
            URI target,
            Duration idleTimeout,
            int maxConnections,
            int maxQueuedRequests,
            LatticeResources resources,
            CallerDetails callers,
            ListenerProtocol listener) {
        this.target = Objects.requireNonNull(target, "target");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.maxConnections = maxConnections;
        this.maxQueuedRequests = maxQueuedRequests;
        this.resources = Objects.requireNonNull(resources, "resources");
        this.callers = Objects.requireNonNull(callers, "callers");
        this.listener = Objects.requireNonNull(listener, "listener");
        // Not used (no Via header is sent), but set so that the start does not look the local host name up.
        setViaHost("local-lattice");
    }

    /**
     * Forwards one request; the proxy answers the client and completes the callback.
     *
     * @param request the client's request, authorized
     * @param response the client's response
     * @param callback completed when the answer was delivered (or failed when it could not be)
     * @param forward what the checks decided
     */
    public void forward(Request request, Response response, Callback callback, Forward forward) {
        request.setAttribute(FORWARD, forward);
        HttpFields headers = request.getHeaders();
        // As Jetty's proxy decides whether there is a body to forward.
        boolean body = request.getLength() > 0
                || headers.contains(HttpHeader.CONTENT_TYPE)
                || headers.contains(HttpHeader.TRANSFER_ENCODING);
        request.setAttribute(BODY_READ, !body);
        // While the target is working, nothing moves on the client's connection: the target's idle timeout, not the
        // listener's, decides how long that may last. Idle timeouts during reads and writes still fail them.
        request.addIdleTimeoutListener(timeout -> false);
        // A client that leaves ends the target's request too, as Lattice's access log calls it ClientConnectionClosed.
        request.addFailureListener(failure -> clientFailed(request, failure));
        handle(request, response, callback);
    }

    /**
     * Whether the client's request body has been read to its end (or there is none): only then may the connection be
     * read for anything else, such as a check that the client is still there.
     *
     * @param request a request being forwarded
     * @return true once the body is read
     */
    public boolean bodyRead(Request request) {
        return Boolean.TRUE.equals(request.getAttribute(BODY_READ));
    }

    /**
     * The client left before its answer: the target's request is aborted, and nothing is answered.
     *
     * @param request a request being forwarded
     */
    public void clientLeft(Request request) {
        clientFailed(request, new java.io.EOFException("the client closed the connection"));
    }

    private static void clientFailed(Request request, Throwable failure) {
        request.setAttribute(CLIENT_FAILURE, failure);
        if (request.getAttribute(UPSTREAM) instanceof org.eclipse.jetty.client.Request upstream) {
            upstream.abort(failure);
        }
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, Math.min(maxConnections, 64)), 2);
        threads.setName("local-lattice-target");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        connector.setConnectTimeout(idleTimeout);
        connector.setIdleTimeout(idleTimeout);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setConnectionPoolFactory(destination -> {
            DuplexConnectionPool pool = new DuplexConnectionPool(destination, maxConnections);
            // Lattice closes a connection to a target after 10 minutes, whatever the traffic.
            pool.setMaxDuration(ListenerLimits.MAX_CONNECTION_DURATION.toMillis());
            return pool;
        });
        return new HttpClient(transport);
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setIdleTimeout(idleTimeout.toMillis());
        client.setConnectTimeout(idleTimeout.toMillis());
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setMaxRequestsQueuedPerDestination(Math.max(1, maxQueuedRequests));
        client.setMaxRequestHeadersSize(MAX_HEADERS_BYTES);
        client.setMaxResponseHeadersSize(MAX_HEADERS_BYTES);
        // The target sees the client's headers, not the proxy's client: no User-Agent or Content-Type of its own.
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        // Only for Jetty's debug log: newProxyToServerRequest builds the target of the request itself.
        return HttpURI.from(target.toString());
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI uri) {
        Forward forward = forwardOf(request);
        String pathAndQuery = forward.rawQuery() == null ? forward.path() : forward.path() + "?" + forward.rawQuery();
        org.eclipse.jetty.client.Request upstream;
        try {
            // An absolute URI keeps a path that starts with "//" a path, and keeps every escape as sent.
            upstream = getHttpClient()
                    .newRequest(URI.create(target.getScheme() + "://" + target.getRawAuthority() + pathAndQuery));
        } catch (IllegalArgumentException notAUri) {
            // A path java.net.URI refuses (a single-encoded server passes such paths as sent): Jetty sends it as is.
            upstream = getHttpClient()
                    .newRequest(target.getHost(), target.getPort())
                    .path(pathAndQuery);
        }
        request.setAttribute(UPSTREAM, upstream);
        return upstream.method(request.getMethod());
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request upstream) {
        super.copyRequestHeaders(request, upstream);
        upstream.headers(headers -> {
            List<String> dropped = new ArrayList<>();
            for (HttpField field : headers) {
                String name = field.getLowerCaseName();
                if (LatticeHeaders.isLatticeHeader(name)
                        || name.equals(LatticeHeaders.FORWARDED_FOR)
                        || name.equals(LatticeHeaders.FORWARDED_PORT)
                        || name.equals(LatticeHeaders.FORWARDED_PROTO)
                        || name.equals(LatticeHeaders.REQUEST_ID)) {
                    dropped.add(name);
                }
            }
            dropped.forEach(headers::remove);
        });
    }

    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request upstream) {
        Forward forward = forwardOf(request);
        List<String> sentFor = request.getHeaders().getValuesList(LatticeHeaders.FORWARDED_FOR);
        String clientAddress = Request.getRemoteAddr(request);
        String forwardedFor = sentFor.isEmpty() ? clientAddress : String.join(", ", sentFor) + ", " + clientAddress;
        Map<String, String> added = new LinkedHashMap<>();
        added.put(LatticeHeaders.FORWARDED_FOR, forwardedFor);
        added.put(LatticeHeaders.FORWARDED_PORT, Integer.toString(forward.listenerPort()));
        added.put(LatticeHeaders.FORWARDED_PROTO, listener.scheme());
        LocalCredential caller = forward.caller();
        if (caller != null) {
            added.put(LatticeHeaders.IDENTITY, LatticeHeaders.formatMap(identity(caller)));
            Map<String, String> tags = callers.tags(caller.principalArn());
            if (!tags.isEmpty()) {
                added.put(LatticeHeaders.IDENTITY_TAGS, LatticeHeaders.formatMap(identityTags(caller, tags)));
            }
        }
        added.put(
                LatticeHeaders.NETWORK,
                LatticeHeaders.formatMap(Map.of(LatticeHeaders.KEY_SOURCE_VPC_ARN, resources.sourceVpcArn())));
        Map<String, String> routed = new LinkedHashMap<>();
        routed.put(LatticeHeaders.KEY_SERVICE_ARN, resources.serviceArn());
        routed.put(LatticeHeaders.KEY_SERVICE_NETWORK_ARN, resources.serviceNetworkArn());
        routed.put(LatticeHeaders.KEY_TARGET_GROUP_ARN, resources.targetGroupArn());
        added.put(LatticeHeaders.TARGET, LatticeHeaders.formatMap(routed));
        added.put(LatticeHeaders.REQUEST_ID, forward.requestId());
        upstream.headers(headers -> added.forEach(headers::put));
    }

    /** The caller's {@code x-amzn-lattice-identity} keys, as the User Guide lists them; absent ones left out. */
    private Map<String, String> identity(LocalCredential caller) {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put(LatticeHeaders.KEY_PRINCIPAL, caller.principalArn());
        putIfSet(identity, LatticeHeaders.KEY_PRINCIPAL_ORG_ID, callers.principalOrgId());
        putIfSet(identity, LatticeHeaders.KEY_PRINCIPAL_ORG_PATH, callers.principalOrgPath());
        putIfSet(identity, LatticeHeaders.KEY_SESSION_NAME, caller.sessionName());
        identity.putAll(callers.x509(caller.principalArn()));
        return identity;
    }

    /** The tags header: the principal's keys in lower case as that header spells them, then the tags. */
    private Map<String, String> identityTags(LocalCredential caller, Map<String, String> tags) {
        Map<String, String> header = new LinkedHashMap<>();
        header.put(LatticeHeaders.TAGS_KEY_PRINCIPAL, caller.principalArn());
        putIfSet(header, LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_ID, callers.principalOrgId());
        putIfSet(header, LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_PATH, callers.principalOrgPath());
        header.putAll(tags);
        return header;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Notes a failure of the client's own request body, to tell it from the target's failures. */
    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request request, Response response, org.eclipse.jetty.client.Request upstream) {
        return new ProxyRequestContent(request) {
            @Override
            public Content.Chunk read() {
                Content.Chunk chunk = super.read();
                // Nothing to read: the proxy now waits for the client's next bytes, not for the target.
                request.setAttribute(AWAITING_CLIENT, chunk == null);
                if (Content.Chunk.isFailure(chunk)) {
                    request.setAttribute(CLIENT_FAILURE, chunk.getFailure());
                } else if (chunk != null && chunk.isLast()) {
                    request.setAttribute(BODY_READ, true);
                }
                return chunk;
            }
        };
    }

    /**
     * Drops from the client's answer the headers the target's {@code Connection} header names, as RFC 9110 (section
     * 7.6.1) says a proxy must; Jetty drops the fixed hop-by-hop ones itself.
     */
    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request request, org.eclipse.jetty.client.Request upstream, Response response, Callback callback) {
        return new ProxyResponseListener(request, upstream, response, callback) {
            @Override
            public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
                super.onHeaders(upstreamResponse);
                for (String value : upstreamResponse.getHeaders().getValuesList(HttpHeader.CONNECTION)) {
                    for (String name : value.split(",")) {
                        if (!name.isBlank()) {
                            response.getHeaders().remove(name.trim());
                        }
                    }
                }
            }
        };
    }

    /** The target's own {@code x-amzn-requestid} gives way to the one the client's answer already carries. */
    @Override
    protected HttpField filterServerToProxyResponseField(HttpField field) {
        return LatticeHeaders.REQUEST_ID.equals(field.getLowerCaseName()) ? null : field;
    }

    @Override
    protected void onServerToProxyResponseFailure(
            Request request,
            org.eclipse.jetty.client.Request upstream,
            org.eclipse.jetty.client.Response upstreamResponse,
            Response response,
            Callback callback,
            Throwable failure) {
        Forward forward = forwardOf(request);
        Object clientFailure = request.getAttribute(CLIENT_FAILURE);
        if (clientFailure == null
                && causedBy(failure, TimeoutException.class)
                && !bodyRead(request)
                && Boolean.TRUE.equals(request.getAttribute(AWAITING_CLIENT))) {
            // The target's connection went idle because the client stopped sending its body: the client's fault.
            clientFailure = new TimeoutException("the request body stopped arriving");
        }
        Answer answer = clientFailure instanceof Throwable client ? clientAnswer(client) : targetAnswer(failure);
        forward.failure().accept(answer.reason());
        if (answer.status() == 0 || response.isCommitted()) {
            // The client left, or the answer's head is already out: all that is left is to end the connection.
            callback.failed(failure);
            return;
        }
        String requestId = response.getHeaders().get(LatticeHeaders.REQUEST_ID);
        HttpFields.Mutable headers = response.getHeaders();
        headers.clear();
        if (requestId != null) {
            headers.put(LatticeHeaders.REQUEST_ID, requestId);
        }
        byte[] body = answer.text().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        if (clientFailure != null) {
            headers.put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** What the client is answered, and the access log's note (Lattice's access-log {@code failureReason}). */
    private record Answer(int status, String text, String reason) {}

    private Answer targetAnswer(Throwable failure) {
        if (isConnectFailure(failure)) {
            return new Answer(
                    500,
                    "InternalServerException: This local VPC Lattice could not connect to the target.",
                    "TargetConnectionError: could not connect to the target: " + describe(failure));
        }
        if (causedBy(failure, RejectedExecutionException.class)) {
            return new Answer(
                    429,
                    "TooManyRequestsException: This local VPC Lattice's target is busy and its queue of waiting"
                            + " requests is full. Retry later.",
                    "ClientRateLimited: the target's queue is full");
        }
        if (causedBy(failure, TimeoutException.class)) {
            return new Answer(
                    504,
                    "GatewayTimeoutException: The target sent nothing for " + idleTimeout.toSeconds()
                            + " s (the idle timeout).",
                    "TargetDataTimeout: the target sent nothing for " + idleTimeout.toMillis() + " ms");
        }
        return new Answer(
                502,
                "BadGatewayException: The target closed the connection or did not answer valid HTTP.",
                "TargetConnectionClosed: " + describe(failure));
    }

    private Answer clientAnswer(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return new Answer(
                    408,
                    "RequestTimeoutException: The request body stopped arriving for the idle timeout.",
                    "ClientConnectionClosed: the request body stopped arriving");
        }
        if (failure instanceof HttpException http && http.getCode() == 400) {
            return new Answer(
                    400,
                    "BadRequestException: The request body is malformed.",
                    "ClientProtocolError: the request body is malformed");
        }
        return new Answer(0, "", "ClientConnectionClosed: the client closed the connection before its answer");
    }

    private static boolean isConnectFailure(Throwable failure) {
        return causedBy(failure, ConnectException.class)
                || causedBy(failure, NoRouteToHostException.class)
                || causedBy(failure, UnknownHostException.class)
                || causedBy(failure, UnresolvedAddressException.class)
                || causedBy(failure, SocketTimeoutException.class);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The failure's type only: a message may quote the request's target, and so its query. */
    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName();
    }

    private static Forward forwardOf(Request request) {
        return (Forward) Objects.requireNonNull(request.getAttribute(FORWARD), "forward");
    }
}
