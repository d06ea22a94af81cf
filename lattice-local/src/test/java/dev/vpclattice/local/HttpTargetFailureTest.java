package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A local Lattice in front of an HTTP target that fails, through real loopback sockets: a target that refuses the
 * connection, closes or resets it before answering, answers something that is not HTTP, dies or stalls in the middle
 * of its answer, or stalls before it. Each gets the status this local Lattice gives (500 for a failure to connect, as
 * Lattice documents; 502 and 504 otherwise) or a cut connection once the answer started, and the next request works.
 */
@Timeout(120)
class HttpTargetFailureTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final List<String> accessLog = new CopyOnWriteArrayList<>();
    private ScriptedTarget target;
    private LocalLattice lattice;

    @AfterEach
    void stop() {
        if (lattice != null) {
            lattice.close();
        }
        if (target != null) {
            target.close();
        }
    }

    private LocalLattice front(URI url) {
        lattice = LocalLattice.builder()
                .authType(AuthType.NONE)
                .listener(ListenerProtocol.HTTP)
                .targetIdleTimeout(Duration.ofSeconds(2))
                .accessLog(accessLog::add)
                .targetUrl(url)
                .build();
        return lattice;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(lattice.endpoint() + path))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The access-log line of a path; it is written once the answer is delivered, so it may come just after it. */
    private String logLine(String path) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var line =
                    accessLog.stream().filter(l -> l.contains(" " + path + " ")).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " not in " + accessLog);
    }

    @Test
    void refusedConnection_is500_andOnceTheTargetListensTheNextRequestWorks() throws Exception {
        int port = ScriptedTarget.freePort();
        front(URI.create("http://127.0.0.1:" + port));

        HttpResponse<String> refused = get("/refused");
        target = new ScriptedTarget(port);
        HttpResponse<String> next = get("/after");

        assertEquals(500, refused.statusCode(), refused.body());
        assertEquals(
                "InternalServerException: This local VPC Lattice could not connect to the target.", refused.body());
        assertTrue(
                refused.headers().firstValue("x-amzn-requestid").isPresent(),
                refused.headers().toString());
        assertTrue(logLine("/refused").contains(" 500 anonymous "), accessLog.toString());
        assertTrue(logLine("/refused").contains("TargetConnectionError"), accessLog.toString());
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("ok", next.body());
    }

    @Test
    void targetClosingOrResettingBeforeItsAnswer_is502_andTheNextRequestWorks() throws Exception {
        target = new ScriptedTarget(0)
                .then(ScriptedTarget.Act.CLOSE_BEFORE_ANSWER)
                .then(ScriptedTarget.Act.RESET_BEFORE_ANSWER);
        front(target.url());

        HttpResponse<String> closed = get("/closed");
        HttpResponse<String> reset = get("/reset");
        HttpResponse<String> next = get("/after");

        assertEquals(502, closed.statusCode(), closed.body());
        assertTrue(closed.body().startsWith("BadGatewayException: "), closed.body());
        assertEquals(502, reset.statusCode(), reset.body());
        assertTrue(logLine("/closed").contains("TargetConnectionClosed"), accessLog.toString());
        assertEquals(200, next.statusCode(), next.body());
    }

    @Test
    void targetAnsweringSomethingThatIsNotHttp_is502() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.NOT_HTTP);
        front(target.url());

        HttpResponse<String> garbage = get("/garbage");
        HttpResponse<String> next = get("/after");

        assertEquals(502, garbage.statusCode(), garbage.body());
        assertEquals(200, next.statusCode(), next.body());
    }

    @Test
    void targetDyingInTheMiddleOfItsAnswer_cutsTheClientsConnection_andTheNextRequestWorks() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.DIE_MID_BODY);
        front(target.url());

        IOException cut = assertThrows(IOException.class, () -> get("/dies"));
        HttpResponse<String> next = get("/after");

        assertTrue(cut.getMessage() != null, cut.toString());
        assertEquals(200, next.statusCode(), next.body());
        assertTrue(logLine("/dies").contains("TargetConnectionClosed"), accessLog.toString());
    }

    @Test
    void targetStallingBeforeItsAnswer_is504AfterTheTargetIdleTimeout_andTheNextRequestWorks() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.STALL);
        front(target.url());

        long started = System.nanoTime();
        HttpResponse<String> stalled = get("/stalls");
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> next = get("/after");

        assertEquals(504, stalled.statusCode(), stalled.body());
        assertEquals("GatewayTimeoutException: The target sent nothing for 2 s (the idle timeout).", stalled.body());
        assertTrue(waited.compareTo(Duration.ofMillis(1900)) >= 0, "answered before the idle timeout: " + waited);
        assertTrue(logLine("/stalls").contains("TargetDataTimeout"), accessLog.toString());
        assertEquals(200, next.statusCode(), next.body());
    }

    @Test
    void clientLeavingWhileTheTargetWorks_closesTheTargetsConnection() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.STALL);
        lattice = LocalLattice.builder()
                .authType(AuthType.NONE)
                .listener(ListenerProtocol.HTTP)
                .targetIdleTimeout(Duration.ofSeconds(50))
                .accessLog(accessLog::add)
                .targetUrl(target.url())
                .build();

        try (java.net.Socket client = new java.net.Socket("127.0.0.1", lattice.port())) {
            client.getOutputStream()
                    .write(("GET /left HTTP/1.1\r\nHost: 127.0.0.1:" + lattice.port() + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            for (int i = 0; i < 200 && target.heads.isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertEquals(1, target.heads.size(), "the request reached the target");
        }

        // Well before the 50 s idle timeout: the client's leaving, not the timeout, closed it.
        assertTrue(target.closedByPeer.await(20, java.util.concurrent.TimeUnit.SECONDS), accessLog.toString());
        assertTrue(logLine("/left").contains("ClientConnectionClosed"), accessLog.toString());
    }

    @Test
    void clientStallingInTheMiddleOfItsBody_is408_notBlamedOnTheTarget() throws Exception {
        try (RecordingTarget reading = new RecordingTarget()) {
            front(reading.url());
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", lattice.port())) {
                client.setSoTimeout(60_000);
                client.getOutputStream()
                        .write(("POST /slow-body HTTP/1.1\r\nHost: 127.0.0.1:" + lattice.port()
                                        + "\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                client.getOutputStream().flush();

                String answer =
                        new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);

                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
                assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
                assertTrue(
                        answer.endsWith("RequestTimeoutException: The request body stopped arriving for the idle"
                                + " timeout."),
                        answer);
            }
            assertTrue(logLine("/slow-body").startsWith("POST /slow-body 408 "), accessLog.toString());
        }
    }

    @Test
    void targetStallingInTheMiddleOfItsAnswer_cutsTheClientsConnectionAfterTheIdleTimeout() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.STALL_MID_BODY);
        front(target.url());

        assertThrows(IOException.class, () -> get("/stalls-mid-answer"));
        HttpResponse<String> next = get("/after");

        assertEquals(200, next.statusCode(), next.body());
    }

    @Test
    void hopByHopAnswerHeaders_andTheOnesTheTargetsConnectionNames_neverReachTheClient() throws Exception {
        target = new ScriptedTarget(0).then(ScriptedTarget.Act.HOP_BY_HOP_ANSWER);
        front(target.url());

        HttpResponse<String> answer = get("/hop");

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("hello", answer.body());
        assertEquals("kept", answer.headers().firstValue("x-end-to-end").orElse(null));
        // Transfer-Encoding may come back: the local Lattice frames its own answer to the client, as any proxy does.
        for (String dropped : List.of("x-hop-response", "keep-alive", "proxy-connection", "upgrade")) {
            assertNull(answer.headers().firstValue(dropped).orElse(null), dropped + " in " + answer.headers());
        }
    }

    @Test
    void theTargetReceivesTheRequestTheClientSent_withLatticesHeaders_overOneHop() throws Exception {
        target = new ScriptedTarget(0);
        front(target.url());

        HttpResponse<String> answer = get("/raw?b=2&a=1");

        assertEquals(200, answer.statusCode(), answer.body());
        String head = target.heads.get(0);
        assertTrue(head.startsWith("GET /raw?b=2&a=1 HTTP/1.1\r\n"), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\nx-forwarded-proto: http\r\n"), head);
        assertTrue(!head.toLowerCase(java.util.Locale.ROOT).contains("\r\nvia:"), head);
        assertTrue(!head.toLowerCase(java.util.Locale.ROOT).contains("\r\nforwarded:"), head);
    }
}
