package dev.vpclattice.lambda.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Lambda Runtime API server on loopback: the endpoint a Lambda runtime (here, the real Java runtime interface
 * client) polls for events and posts results to.
 *
 * <p>Implements {@code GET /2018-06-01/runtime/invocation/next}, {@code POST .../invocation/{id}/response},
 * {@code POST .../invocation/{id}/error}, {@code POST /2018-06-01/runtime/init/error}, and the SnapStart pair
 * {@code GET /2018-06-01/runtime/restore/next} (which the runtime client calls at the end of init when
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}: there the snapshot would be taken; here it is answered at once)
 * and {@code POST /2018-06-01/runtime/restore/error}. Like Lambda's, it keeps the runtime's state: init and restore
 * errors are accepted only while the runtime initialises or restores, and refused with 403
 * {@code InvalidStateTransition} afterwards, as the Lambda runtime interface emulator does. The next-invocation answer
 * carries every header the Java runtime reads ({@code Lambda-Runtime-Aws-Request-Id},
 * {@code Lambda-Runtime-Deadline-Ms}, {@code Lambda-Runtime-Invoked-Function-Arn}, {@code Lambda-Runtime-Trace-Id},
 * {@code Lambda-Runtime-Client-Context}, {@code Lambda-Runtime-Cognito-Identity}): its native client crashes the JVM
 * when one is missing.
 *
 * <p>One server serves one runtime process: start a new one when the process is replaced, so that a long poll left
 * behind by a killed process cannot swallow the next event. {@link LocalLambda} does this for you; use this class
 * directly to drive a runtime of your own. Thread-safe.
 *
 * <p>Like Lambda's, this API trusts its host: any process on the same host that finds the port can call it. It binds
 * to loopback only, and request ids are random, so another local process cannot answer an invocation it was not
 * given; it could still report an init error during init, as a runtime does.
 */
public final class RuntimeApiServer implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String functionArn;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<byte[]> initError = new AtomicReference<>();
    private final CompletableFuture<Long> initDone = new CompletableFuture<>();
    private final Object stateLock = new Object();
    private State state = State.INITIALIZING;
    private volatile long restoreNextNanos;
    private volatile long restoredNanos;
    private volatile boolean traceSampled;
    private volatile boolean closed;
    private volatile PhaseHook phaseHook = (phase, requestId) -> {};

    /** The moments at which the runtime waits on this server, in order. */
    enum Phase {
        /** Init is over: the runtime asked for work for the first time; it waits for the answer. */
        INIT_END,
        /** An event is about to be delivered to the runtime, which waits for it. */
        DELIVERY,
        /** The runtime posted its answer to an event and waits for the acknowledgement. */
        ANSWER
    }

    /** Called on the server's thread at each {@link Phase}, while the runtime waits; its time is in no Duration. */
    interface PhaseHook {
        void at(Phase phase, String requestId);
    }

    /** Where the runtime is in its lifecycle, as far as the API can tell. */
    private enum State {
        /** Started, not yet asking for work: init errors are accepted. */
        INITIALIZING,
        /** Asked for {@code restore/next} (SnapStart): restore errors are accepted until the first poll. */
        RESTORING,
        /** Polled for an invocation at least once: init is over. */
        READY,
        /** Reported an init or restore error: it is about to exit. */
        FAILED
    }

    private RuntimeApiServer(String functionArn) {
        this.functionArn = functionArn;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not bind the Runtime API server to a loopback port", e);
        }
        // Long polls block a thread each, and the runtime client keeps one open between invocations: a bounded pool
        // would starve; daemon threads never keep a JVM alive.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "lambda-runtime-api");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /**
     * Starts a server on an ephemeral port of the loopback address.
     *
     * @param functionArn the ARN sent as {@code Lambda-Runtime-Invoked-Function-Arn}; required
     * @return the running server
     * @throws UncheckedIOException if no port can be bound
     */
    public static RuntimeApiServer start(String functionArn) {
        return new RuntimeApiServer(Objects.requireNonNull(functionArn, "functionArn"));
    }

    /**
     * Returns {@code host:port}, the value for the runtime's {@code AWS_LAMBDA_RUNTIME_API} variable.
     *
     * @return {@code host:port}, the value for the runtime's {@code AWS_LAMBDA_RUNTIME_API} variable
     */
    public String address() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    /**
     * Returns the bound port.
     *
     * @return the bound port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Queues an event for the runtime's next poll.
     *
     * @param event the event bytes; required
     * @param timeout how long the function may run once it has the event: the deadline it sees is the time of
     *     delivery plus this; required, positive
     * @return the queued invocation, whose futures complete when the runtime takes the event and when it answers
     * @throws IllegalStateException if the server is closed
     */
    public Submission submit(byte[] event, Duration timeout) {
        Objects.requireNonNull(event, "event");
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (closed) {
            throw new IllegalStateException("The Runtime API server on port " + port() + " is closed");
        }
        Pending p = new Pending(UUID.randomUUID().toString(), event.clone(), timeout);
        byte[] failedInit = initError.get();
        if (failedInit != null) {
            p.complete(LambdaInvocation.Status.FUNCTION_ERROR, failedInit);
        } else {
            queue.add(p);
        }
        return p.submission;
    }

    /**
     * Sets whether the trace header sent with each event says the request was sampled ({@code Sampled=1}), as
     * Lambda's does under active tracing when X-Ray sampled the request, or not ({@code Sampled=0}, the default).
     *
     * @param sampled whether later events carry {@code Sampled=1}
     */
    public void traceSampled(boolean sampled) {
        this.traceSampled = sampled;
    }

    /** Sets what runs at each phase; {@link LocalLambda} reads the process's CPU time and classes there. */
    void phaseHook(PhaseHook hook) {
        this.phaseHook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Returns the future of the end of the runtime's init: it completes, with the {@link System#nanoTime()} of that
     * moment, when the runtime first asks for work ({@code invocation/next}, or {@code restore/next} under
     * SnapStart). Lambda's <em>Init Duration</em> runs from the start of the runtime to this moment.
     *
     * @return completes with the {@code System.nanoTime()} at which init ended; fails if the runtime reported an
     *     init error or the server closed first
     */
    public CompletableFuture<Long> initDone() {
        return initDone;
    }

    /**
     * Returns how long the runtime's restore took under SnapStart: from the answer to {@code restore/next} to its
     * first {@code invocation/next} (the runtime's {@code afterRestore} hooks run in between). Lambda reports the
     * corresponding phase as <em>Restore Duration</em>; here it includes no snapshot restore.
     *
     * @return the restore phase, or empty when the runtime did not call {@code restore/next} or has not polled yet
     */
    public Optional<Duration> restoreDuration() {
        long answered = restoreNextNanos;
        long restored = restoredNanos;
        return answered == 0 || restored == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(restored - answered));
    }

    /**
     * Returns the body the runtime posted to {@code /runtime/init/error}, if it did.
     *
     * @return the body the runtime posted to {@code /runtime/init/error}, if it did
     */
    public Optional<byte[]> initError() {
        return Optional.ofNullable(initError.get()).map(byte[]::clone);
    }

    /**
     * Ends every queued or running invocation with the given outcome, for when the runtime process is gone.
     * An init error the runtime reported wins over {@code payload}.
     *
     * @param status the status to report; required
     * @param payload the error JSON to report; required
     */
    public void failOutstanding(LambdaInvocation.Status status, byte[] payload) {
        byte[] reported = initError.get();
        LambdaInvocation.Status s = reported != null ? LambdaInvocation.Status.FUNCTION_ERROR : status;
        byte[] body = reported != null ? reported : payload;
        Pending p;
        while ((p = queue.poll()) != null) {
            p.complete(s, body);
        }
        for (Pending q : inFlight.values()) {
            inFlight.remove(q.id);
            q.complete(s, body);
        }
    }

    /** Stops the server and fails every outstanding invocation. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        initDone.completeExceptionally(new IllegalStateException("The Runtime API server closed"));
        failOutstanding(
                LambdaInvocation.Status.FUNCTION_ERROR,
                errorJson("Runtime.Closed", "The local Lambda runtime was closed before the function answered"));
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Builds the error JSON Lambda reports: {@code {"errorMessage": ..., "errorType": ...}}.
     *
     * @param errorType for example {@code Runtime.ExitError}; required
     * @param errorMessage the message; required
     * @return UTF-8 JSON
     */
    public static byte[] errorJson(String errorType, String errorMessage) {
        return ("{\"errorMessage\":\"" + escape(errorMessage) + "\",\"errorType\":\"" + escape(errorType) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath().substring(PREFIX.length());
            String method = ex.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(ex);
            } else if (method.equals("GET") && path.equals("restore/next")) {
                restoreNext(ex);
            } else if (method.equals("POST") && (path.equals("init/error") || path.equals("restore/error"))) {
                initError(ex, path.equals("init/error") ? State.INITIALIZING : State.RESTORING, path);
            } else if (method.equals("POST")
                    && path.startsWith("invocation/")
                    && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
                boolean ok = path.endsWith("/response");
                byte[] body = ok ? ex.getRequestBody().readAllBytes() : errorBody(ex);
                long answered = System.nanoTime();
                Pending p = inFlight.remove(id);
                if (p == null) {
                    send(
                            ex,
                            400,
                            "{\"errorMessage\":\"Unknown or finished request id\",\"errorType\":"
                                    + "\"InvalidRequestID\"}");
                    return;
                }
                phaseHook.at(Phase.ANSWER, id);
                p.complete(
                        ok ? LambdaInvocation.Status.SUCCESS : LambdaInvocation.Status.FUNCTION_ERROR, body, answered);
                send(ex, 202, "{\"status\":\"OK\"}");
            } else {
                send(ex, 404, "{\"errorMessage\":\"Not found\",\"errorType\":\"NotFound\"}");
            }
        } finally {
            ex.close();
        }
    }

    /**
     * An init (or restore) error is the runtime's last word before it exits: accepted only in the phase it belongs
     * to. Afterwards it is refused, so a stray local process cannot poison a running environment.
     */
    private void initError(HttpExchange ex, State expected, String path) throws IOException {
        byte[] body = errorBody(ex);
        State was;
        synchronized (stateLock) {
            was = state;
            if (was == expected) {
                state = State.FAILED;
            }
        }
        if (was != expected) {
            send(
                    ex,
                    403,
                    new String(
                            errorJson(
                                    "InvalidStateTransition",
                                    "State transition from " + stateName(was)
                                            + " to " + (expected == State.INITIALIZING ? "InitError" : "RestoreError")
                                            + " failed for runtime: /runtime/" + path + " is accepted only during "
                                            + (expected == State.INITIALIZING ? "init" : "restore")),
                            StandardCharsets.UTF_8));
            return;
        }
        initError.compareAndSet(null, body);
        initDone.completeExceptionally(new IllegalStateException("The runtime reported an init error"));
        failOutstanding(LambdaInvocation.Status.FUNCTION_ERROR, initError.get());
        send(ex, 202, "{\"status\":\"OK\"}");
    }

    private static String stateName(State state) {
        return switch (state) {
            case INITIALIZING -> "Initializing";
            case RESTORING -> "Restoring";
            case READY -> "Ready";
            case FAILED -> "InitError";
        };
    }

    private void restoreNext(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        State was;
        synchronized (stateLock) {
            was = state;
            if (was == State.INITIALIZING) {
                state = State.RESTORING;
            }
        }
        if (was != State.INITIALIZING) {
            send(
                    ex,
                    403,
                    new String(
                            errorJson(
                                    "InvalidStateTransition",
                                    "State transition from " + stateName(was)
                                            + " to Restoring failed for runtime: restore/next is called once, at the end of init"),
                            StandardCharsets.UTF_8));
            return;
        }
        // Under SnapStart the snapshot is taken here and the answer comes after a restore; nothing is frozen
        // locally, so the answer is immediate and the restore phase is only the runtime's afterRestore hooks.
        phaseHook.at(Phase.INIT_END, null);
        initDone.complete(now);
        ex.sendResponseHeaders(200, -1);
        restoreNextNanos = System.nanoTime();
    }

    private void next(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        boolean initEnd;
        synchronized (stateLock) {
            initEnd = state == State.INITIALIZING;
            if (state == State.INITIALIZING || state == State.RESTORING) {
                if (state == State.RESTORING) {
                    restoredNanos = now;
                }
                state = State.READY;
            }
        }
        if (initEnd) {
            phaseHook.at(Phase.INIT_END, null);
        }
        initDone.complete(now);
        Pending p = null;
        try {
            while (p == null && !closed) {
                p = queue.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (p == null) {
            send(ex, 500, "{\"errorMessage\":\"The Runtime API server is closing\",\"errorType\":\"Closed\"}");
            return;
        }
        long deadline = Instant.now().plus(p.timeout).toEpochMilli();
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("Lambda-Runtime-Aws-Request-Id", p.id);
        h.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        h.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        h.set("Lambda-Runtime-Trace-Id", traceId());
        h.set("Lambda-Runtime-Client-Context", "");
        h.set("Lambda-Runtime-Cognito-Identity", "");
        phaseHook.at(Phase.DELIVERY, p.id);
        inFlight.put(p.id, p);
        p.deliveredNanos = System.nanoTime();
        try {
            ex.sendResponseHeaders(200, p.event.length == 0 ? -1 : p.event.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(p.event);
            }
        } catch (IOException e) {
            // The runtime went away between polling and reading: hand the event to the next poll.
            inFlight.remove(p.id);
            queue.add(p);
            throw e;
        }
        p.submission.delivered.complete(Instant.now());
    }

    private static byte[] errorBody(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (body.length > 0) {
            return body;
        }
        String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"))
                .orElse("Unhandled");
        return errorJson(type, "The runtime reported an error without a body");
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String traceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        byte[] id = new byte[12];
        byte[] parent = new byte[8];
        r.nextBytes(id);
        r.nextBytes(parent);
        return "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-" + hex.formatHex(id) + ";Parent="
                + hex.formatHex(parent) + ";Sampled=" + (traceSampled ? "1" : "0");
    }

    /** An invocation handed to {@link #submit}: its request id and the futures that track it. */
    public static final class Submission {
        private final String requestId;
        private final CompletableFuture<Instant> delivered = new CompletableFuture<>();
        private final CompletableFuture<LambdaInvocation> result = new CompletableFuture<>();

        private Submission(String requestId) {
            this.requestId = requestId;
        }

        /**
         * Returns the request id the runtime will see.
         *
         * @return the request id the runtime will see
         */
        public String requestId() {
            return requestId;
        }

        /**
         * Returns the future of the time the runtime took the event.
         *
         * @return completes with the time the runtime took the event; never completes if the runtime never polls
         *     (it is completed too when the invocation ends without delivery, with the time it ended)
         */
        public CompletableFuture<Instant> delivered() {
            return delivered;
        }

        /**
         * Returns the future of the invocation's outcome.
         *
         * @return completes with the outcome when the runtime answers or the server fails the invocation; its
         *     duration runs from {@code submit} to the answer
         */
        public CompletableFuture<LambdaInvocation> result() {
            return result;
        }
    }

    private static final class Pending {
        final String id;
        final byte[] event;
        final Duration timeout;
        final long submittedNanos = System.nanoTime();
        final Submission submission;
        volatile long deliveredNanos;

        Pending(String id, byte[] event, Duration timeout) {
            this.id = id;
            this.event = event;
            this.timeout = timeout;
            this.submission = new Submission(id);
        }

        void complete(LambdaInvocation.Status status, byte[] payload) {
            complete(status, payload, System.nanoTime());
        }

        void complete(LambdaInvocation.Status status, byte[] payload, long now) {
            submission.delivered.complete(Instant.now());
            long delivered = deliveredNanos;
            submission.result.complete(new LambdaInvocation(
                    id,
                    status,
                    payload,
                    Duration.ofNanos(now - submittedNanos),
                    delivered == 0 ? null : Duration.ofNanos(now - delivered),
                    null,
                    null,
                    -1));
        }
    }
}
