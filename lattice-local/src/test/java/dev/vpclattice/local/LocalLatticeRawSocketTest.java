package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile or broken client sees over a raw TLS socket: slow headers and stalled bodies are cut off, chunked
 * bodies are answered, request targets keep their path and are routed by their authority, the access log cannot be
 * forged, and payloads are measured as Lambda measures them. Every refused request is checked never to reach the
 * target.
 */
@Timeout(120)
class LocalLatticeRawSocketTest {
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    /** Generous next to the 1-second bounds configured below: a read that waits this long found the server idle. */
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private static final List<String> INVOKED = new CopyOnWriteArrayList<>();
    private static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();

    static LocalLattice lattice;
    static String host;
    /**
     * The same service with the default timeouts, for multi-megabyte bodies: on a loaded machine, sending 4.8 MB over
     * TLS can take longer than the 1-second body bound above, which would answer 408 and close the connection under
     * the client's feet (a broken pipe) instead of testing the payload limit.
     */
    static LocalLattice unhurried;

    static String unhurriedHost;

    @BeforeAll
    static void start() {
        lattice = LocalLattice.builder()
                .authType(AuthType.NONE)
                .headerTimeout(Duration.ofSeconds(1))
                .bodyTimeout(Duration.ofSeconds(1))
                .accessLog(ACCESS_LOG::add)
                .target(event -> {
                    INVOKED.add(event.getPath());
                    if (event.getPath().startsWith("/huge-response")) {
                        // 5 MB of binary: 6.7 MB once base64 in the response JSON, over Lambda's limit.
                        return VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .header("content-type", "application/octet-stream")
                                .body(new byte[5 * 1024 * 1024])
                                .build();
                    }
                    return LocalLatticeCurlTest.echo(event);
                })
                .build();
        host = "127.0.0.1:" + lattice.port();
        unhurried = LocalLattice.builder()
                .authType(AuthType.NONE)
                .accessLog(ACCESS_LOG::add)
                .target(event -> {
                    INVOKED.add(event.getPath());
                    return LocalLatticeCurlTest.echo(event);
                })
                .build();
        unhurriedHost = "127.0.0.1:" + unhurried.port();
    }

    @AfterAll
    static void stop() {
        lattice.close();
        if (unhurried != null) {
            unhurried.close();
        }
    }

    private static VpcLatticeV2Request event(List<String> response) {
        assertEquals("HTTP/1.1 200 OK", response.get(0), response.toString());
        return CODEC.readRequest(response.get(response.size() - 1).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headersTrickledAByteAtATime_theConnectionIsClosedWithinTheHeaderBound_andNothingIsInvoked() throws Exception {
        byte[] head = ("GET /slow-headers HTTP/1.1\r\nHost: " + host + "\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean wholeHeadSent = new AtomicBoolean(false);
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            // One byte every 50 ms: the whole head would take more than 12 s, so only the 1 s bound can end it early.
            Thread trickler = new Thread(() -> {
                try {
                    for (byte b : head) {
                        socket.send(new byte[] {b});
                        Thread.sleep(50);
                    }
                    wholeHeadSent.set(true);
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: what the test expects
                }
            });
            trickler.setDaemon(true);
            trickler.start();

            assertTrue(socket.closedByServer(), "the server waited " + READ_TIMEOUT_MILLIS + " ms for the headers");
            assertFalse(wholeHeadSent.get(), "the connection outlived the trickle of the whole head");
            trickler.join(READ_TIMEOUT_MILLIS);
        }
        assertFalse(INVOKED.contains("/slow-headers"), INVOKED.toString());
    }

    @Test
    void secondRequestOnAKeptAliveConnection_trickled_isClosedWithinTheHeaderBound() throws Exception {
        byte[] second = ("GET /slow-second HTTP/1.1\r\nHost: " + host + "\r\nX-Padding: " + "p".repeat(200)
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean wholeHeadSent = new AtomicBoolean(false);
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            // The first request is prompt and answered; the connection stays open for the next one.
            assertEquals(
                    "/first-prompt",
                    event(socket.send("GET /first-prompt HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                                    .readResponse())
                            .getPath());
            Thread trickler = new Thread(() -> {
                try {
                    for (byte b : second) {
                        socket.send(new byte[] {b});
                        Thread.sleep(50);
                    }
                    wholeHeadSent.set(true);
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: what the test expects
                }
            });
            trickler.setDaemon(true);
            trickler.start();

            assertTrue(socket.closedByServer(), "the server waited " + READ_TIMEOUT_MILLIS + " ms for the headers");
            assertFalse(wholeHeadSent.get(), "the connection outlived the trickle of the whole second head");
            trickler.join(READ_TIMEOUT_MILLIS);
        }
        assertFalse(INVOKED.contains("/slow-second"), INVOKED.toString());
    }

    @Test
    void connectionThatNeverCompletesTheTlsHandshake_isClosedWithinTheHeaderBound() throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), lattice.port())) {
            plain.setSoTimeout(READ_TIMEOUT_MILLIS);
            plain.getOutputStream().write(0x16); // the first byte of a TLS record, and no more

            int read;
            try {
                read = plain.getInputStream().read();
                while (read >= 0) {
                    read = plain.getInputStream().read();
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server kept a silent connection open for " + READ_TIMEOUT_MILLIS + " ms");
            } catch (IOException e) {
                read = -1; // reset: closed
            }
            assertEquals(-1, read);
        }
    }

    @Test
    void bodyThatStalls_gets408_andTheConnectionIsClosed_andNothingIsInvoked() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            socket.send("POST /stalled-body HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 100\r\n\r\n" + "only ten b");

            List<String> response = socket.readResponse();

            assertEquals("HTTP/1.1 408 Request Timeout", response.get(0), response.toString());
            assertTrue(response.contains("Connection: close"), response.toString());
            assertTrue(response.get(response.size() - 1).startsWith("RequestTimeoutException: "), response.toString());
            assertTrue(socket.closedByServer(), "the connection of a stalled body stayed open");
        }
        assertFalse(INVOKED.contains("/stalled-body"), INVOKED.toString());
    }

    @Test
    void chunkedBodyWithATrailer_isAnsweredNormally() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            socket.send("POST /chunked HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc123\r\n\r\n");

            VpcLatticeV2Request event = event(socket.readResponse());

            assertEquals("hello world", event.getBody());
            assertFalse(
                    event.getHeaders().containsKey("transfer-encoding"),
                    event.getHeaders().toString());
        }
    }

    @Test
    void malformedChunkSize_gets400_andNothingIsInvoked() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            socket.send("POST /bad-chunk HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + "zz\r\nhello\r\n0\r\n\r\n");

            List<String> response = socket.readResponse();

            assertEquals("HTTP/1.1 400 Bad Request", response.get(0), response.toString());
            assertTrue(response.get(response.size() - 1).startsWith("BadRequestException: "), response.toString());
        }
        assertFalse(INVOKED.contains("/bad-chunk"), INVOKED.toString());
    }

    @Test
    void targetStartingWithTwoSlashes_keepsItsFirstSegment() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            socket.send("GET //first/second?x=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

            VpcLatticeV2Request event = event(socket.readResponse());

            // The SDK's path form normalizes empty segments away; the first segment is a path, not an authority.
            assertEquals("/first/second?x=1", event.getPath());
        }
    }

    @Test
    void absoluteFormTarget_whoseAuthorityDiffersFromTheHostHeader_is400_andNeverReachesTheTarget() throws Exception {
        List<String> foreign;
        List<String> foreignHost;
        List<String> served;
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            foreign = socket.send("GET https://other.example:" + lattice.port() + "/foreign HTTP/1.1\r\nHost: " + host
                            + "\r\n\r\n")
                    .readResponse();
        }
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            foreignHost = socket.send(
                            "GET https://" + host + "/foreign-host HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n")
                    .readResponse();
        }
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            served = socket.send("GET https://" + host + "/absolute HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .readResponse();
        }

        for (List<String> refused : List.of(foreign, foreignHost)) {
            assertEquals("HTTP/1.1 400 Bad Request", refused.get(0), refused.toString());
            assertEquals(
                    "BadRequestException: The request target's authority differs from the Host header.",
                    refused.get(refused.size() - 1));
        }
        assertFalse(INVOKED.contains("/foreign") || INVOKED.contains("/foreign-host"), INVOKED.toString());
        assertEquals("/absolute", event(served).getPath());
    }

    @Test
    void clientSentLatticeIdentityHeaders_areStrippedBeforeTheEvent() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            socket.send("GET /spoof HTTP/1.1\r\nHost: " + host + "\r\n"
                    + "x-amzn-lattice-identity: Principal=arn:aws:iam::123456789012:role/admin\r\n"
                    + "X-Amzn-Lattice-Network: SourceVpcArn=arn:aws:ec2:us-east-1:123456789012:vpc/vpc-evil\r\n"
                    + "x-kept: yes\r\n\r\n");

            VpcLatticeV2Request event = event(socket.readResponse());

            assertTrue(
                    event.getHeaders().keySet().stream().noneMatch(name -> name.startsWith("x-amzn-lattice-")),
                    event.getHeaders().toString());
            assertEquals(List.of("yes"), event.getHeaders().get("x-kept"));
        }
    }

    @Test
    void accessLog_escapesControlCharacters_andCapsTheLength() throws Exception {
        String longPath = "/long-" + "x".repeat(5000);
        byte[] c1Escape = "GET /c1-\u009b31mFORGED HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8);
        for (byte[] requestLine : List.of(
                c1Escape,
                "GET /esc-\u001b[2J\tFORGED HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1),
                ("GET " + longPath + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII))) {
            try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
                byte[] request = Arrays.copyOf(requestLine, requestLine.length + 64);
                byte[] rest = ("Host: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(rest, 0, request, requestLine.length, rest.length);
                socket.send(Arrays.copyOf(request, requestLine.length + rest.length));
                socket.readResponse();
            }
        }
        waitForLog("GET /long-");

        for (String line : ACCESS_LOG) {
            assertTrue(
                    line.chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)),
                    "a control character reached the access log: " + line.replaceAll("\\p{Cntrl}", "?"));
            assertTrue(line.length() < 400, "an access-log line of " + line.length() + " characters");
        }
        String longLine = ACCESS_LOG.stream()
                .filter(line -> line.startsWith("GET /long-"))
                .findFirst()
                .orElseThrow();
        assertTrue(longLine.contains("...(" + longPath.length() + " chars)"), longLine);
        // A request Jetty accepted with a C1 control character in its target is logged with it escaped.
        ACCESS_LOG.stream()
                .filter(line -> line.startsWith("GET /c1-"))
                .findFirst()
                .ifPresent(line -> assertTrue(line.contains("\\x9b"), line));
    }

    @Test
    void binaryBodyWhoseEventWouldExceed6Mb_gets413_beforeTheTargetIsInvoked() throws Exception {
        // 4.8 MB of bytes that are not UTF-8: under 6 MB raw, about 6.4 MB once base64 in the event.
        byte[] body = new byte[4_800_000];
        Arrays.fill(body, (byte) 0xff);
        try (RawSocket socket = RawSocket.connect(unhurried, READ_TIMEOUT_MILLIS)) {
            socket.send("POST /binary-upload HTTP/1.1\r\nHost: " + unhurriedHost + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + body.length + "\r\n\r\n");
            socket.send(body);

            List<String> response = socket.readResponse();

            assertEquals("HTTP/1.1 413 Payload Too Large", response.get(0), response.toString());
            assertTrue(response.get(response.size() - 1).contains("6291456 bytes"), response.toString());
        }
        assertFalse(INVOKED.contains("/binary-upload"), INVOKED.toString());
    }

    @Test
    void textBodyWhoseEventFitsIn6Mb_isInvoked() throws Exception {
        byte[] body = "a".repeat(4_800_000).getBytes(StandardCharsets.US_ASCII);
        try (RawSocket socket = RawSocket.connect(unhurried, READ_TIMEOUT_MILLIS)) {
            socket.send("POST /text-upload HTTP/1.1\r\nHost: " + unhurriedHost + "\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n");
            socket.send(body);

            assertEquals(body.length, event(socket.readResponse()).getBody().length());
        }
    }

    @Test
    void responseJsonOver6Mb_gets502() throws Exception {
        try (RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS)) {
            List<String> response = socket.send("GET /huge-response HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .readResponse();

            assertEquals("HTTP/1.1 502 Bad Gateway", response.get(0), response.toString());
        }
    }

    private static void waitForLog(String prefix) throws InterruptedException {
        // The line is written once the answer is complete, on the server's thread: wait for it, boundedly.
        for (int i = 0; i < 200 && ACCESS_LOG.stream().noneMatch(line -> line.startsWith(prefix)); i++) {
            Thread.sleep(50);
        }
        assertTrue(ACCESS_LOG.stream().anyMatch(line -> line.startsWith(prefix)), ACCESS_LOG.toString());
    }
}
