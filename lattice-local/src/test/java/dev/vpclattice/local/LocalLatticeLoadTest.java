package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeEventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Many slow or waiting clients at once, over real sockets: stalled bodies and requests queued for a busy target hold
 * no server thread, so other callers are still answered; a queued request whose client left is dropped before the
 * target sees it; the queue is bounded; a pipelined request behind a queued one keeps its place.
 */
@Timeout(300)
class LocalLatticeLoadTest {
    private static final String FRANK = "arn:aws:iam::123456789012:user/frank";
    private static final AwsCredentialsIdentity KEYS = AwsCredentialsIdentity.create("AKIDFRANK", "frank-secret");
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    /** A target that handles one request at a time and holds every {@code /hold} request until released. */
    private static final class HoldingTarget implements LatticeTarget {
        final List<String> invoked = new CopyOnWriteArrayList<>();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public dev.vpclattice.events.VpcLatticeV2Response invoke(dev.vpclattice.events.VpcLatticeV2Request event)
                throws Exception {
            invoked.add(event.getPath());
            if (event.getPath().startsWith("/hold")) {
                holding.countDown();
                assertTrue(release.await(120, TimeUnit.SECONDS), "the test never released the target");
            }
            return LocalLatticeCurlTest.echo(event);
        }

        @Override
        public int maxConcurrency() {
            return 1;
        }
    }

    @Test
    void twoHundredStalledSignedBodies_doNotDelayASignedProbe() throws Exception {
        List<String> invoked = new CopyOnWriteArrayList<>();
        try (LocalLattice lattice = LocalLattice.builder()
                        .credential("AKIDFRANK", "frank-secret", FRANK)
                        // Longer than the test: every stalled body stays stalled until the probe is answered.
                        .bodyTimeout(Duration.ofMinutes(3))
                        .target(event -> {
                            invoked.add(event.getPath());
                            return LocalLatticeCurlTest.echo(event);
                        })
                        .build();
                SdkCaller caller = new SdkCaller(lattice)) {
            // One signed head, replayed on every connection (within its 5 minutes): Content-Length 10, no body.
            SdkHttpRequest stall = caller.sign(
                            SdkCaller.request(lattice.endpoint(), SdkHttpMethod.POST, "/stalled")
                                    .putHeader("Content-Type", "text/plain")
                                    .build(),
                            null,
                            KEYS,
                            r -> r)
                    .request();
            StringBuilder head = new StringBuilder("POST /stalled HTTP/1.1\r\n");
            stall.forEachHeader((name, values) -> values.forEach(
                    value -> head.append(name).append(": ").append(value).append("\r\n")));
            head.append("Content-Length: 10\r\n\r\n");

            List<RawSocket> stalled = new CopyOnWriteArrayList<>();
            ExecutorService connecting = Executors.newFixedThreadPool(16);
            try {
                List<Future<RawSocket>> opening = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    opening.add(connecting.submit(() -> {
                        RawSocket socket = RawSocket.connect(lattice, READ_TIMEOUT_MILLIS);
                        stalled.add(socket);
                        return socket.send(head.toString());
                    }));
                }
                for (Future<RawSocket> open : opening) {
                    open.get(120, TimeUnit.SECONDS);
                }
                long start = System.nanoTime();
                SdkCaller.Response probe = caller.send(
                        caller.sign(
                                        SdkCaller.request(lattice.endpoint(), SdkHttpMethod.GET, "/probe")
                                                .build(),
                                        null,
                                        KEYS,
                                        r -> r)
                                .request(),
                        null);
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.println("signed probe with 200 stalled bodies open: " + millis + " ms");

                assertEquals(200, probe.status(), probe.text());
                // Generous next to the 1 s the probe may take; a server whose threads the stalled bodies held would
                // answer only after their body timeout, minutes away.
                assertTrue(millis < 10_000, "the probe took " + millis + " ms");
            } finally {
                connecting.shutdownNow();
                for (RawSocket socket : stalled) {
                    socket.close();
                }
            }
            assertFalse(invoked.contains("/stalled"), invoked.toString());
        }
    }

    @Test
    void twoHundredTenRequestsQueuedForABusyTarget_holdNoServerThread_andEachGetsItsOwnAnswer() throws Exception {
        HoldingTarget target = new HoldingTarget();
        try (LocalLattice lattice = LocalLattice.builder()
                .listener(ListenerProtocol.HTTP)
                .authType(AuthType.NONE)
                .maxQueuedRequests(300)
                .target(target)
                .build()) {
            List<Socket> queued = new ArrayList<>();
            try (Socket hold = send(lattice, "/hold")) {
                assertTrue(target.holding.await(60, TimeUnit.SECONDS));
                for (int i = 0; i < 210; i++) {
                    queued.add(send(lattice, "/queued-" + i));
                }
                waitFor(() -> lattice.queuedRequests() == 210, "210 queued requests");

                // Jetty has at most 200 threads: had each waiting request held one, nothing would answer this.
                try (Socket probe = send(lattice, "/probe", "not-served.example")) {
                    assertTrue(readResponse(probe).startsWith("HTTP/1.1 404 "));
                }
                target.release.countDown();

                assertTrue(readResponse(hold).startsWith("HTTP/1.1 200 "));
                for (int i = 0; i < queued.size(); i++) {
                    String answer = readResponse(queued.get(i));
                    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
                    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                    assertEquals(
                            "/queued-" + i,
                            CODEC.readRequest(body.getBytes(StandardCharsets.UTF_8))
                                    .getPath());
                }
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void queuedRequestsWhoseClientsLeft_areDroppedBeforeInvocation_andLogged_andTheQueueIsBounded() throws Exception {
        HoldingTarget target = new HoldingTarget();
        List<String> accessLog = new CopyOnWriteArrayList<>();
        try (LocalLattice lattice = LocalLattice.builder()
                .listener(ListenerProtocol.HTTP)
                .authType(AuthType.NONE)
                .maxQueuedRequests(8)
                .accessLog(accessLog::add)
                .target(target)
                .build()) {
            try (Socket hold = send(lattice, "/hold")) {
                assertTrue(target.holding.await(60, TimeUnit.SECONDS));
                List<Socket> leaving = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    leaving.add(send(lattice, "/left-" + i));
                }
                waitFor(() -> lattice.queuedRequests() == 8, "8 queued requests");
                try (Socket overflow = send(lattice, "/overflow")) {
                    String answer = readResponse(overflow);
                    assertTrue(answer.startsWith("HTTP/1.1 429 "), answer);
                    assertTrue(answer.contains("TooManyRequestsException: "), answer);
                }
                for (Socket socket : leaving) {
                    socket.close();
                }
                target.release.countDown();
                assertTrue(readResponse(hold).startsWith("HTTP/1.1 200 "));
            }
            waitFor(
                    () -> accessLog.stream()
                                    .filter(line -> line.contains("ClientConnectionClosed"))
                                    .count()
                            == 8,
                    "8 dropped requests in the access log: " + accessLog);
        }
        assertTrue(target.invoked.stream().noneMatch(path -> path.startsWith("/left-")), target.invoked.toString());
        assertFalse(target.invoked.contains("/overflow"), target.invoked.toString());
        assertTrue(
                accessLog.stream()
                        .filter(line -> line.startsWith("GET /left-"))
                        .allMatch(line -> line.contains(" - anonymous ") && line.contains("not invoked")),
                accessLog.toString());
    }

    @Test
    void pipelinedRequestArrivingWhileTheFirstIsQueued_isAnsweredAfterIt() throws Exception {
        HoldingTarget target = new HoldingTarget();
        try (LocalLattice lattice = LocalLattice.builder()
                .listener(ListenerProtocol.HTTP)
                .authType(AuthType.NONE)
                .target(target)
                .build()) {
            try (Socket hold = send(lattice, "/hold")) {
                assertTrue(target.holding.await(60, TimeUnit.SECONDS));
                Socket pipelining = send(lattice, "/first");
                waitFor(() -> lattice.queuedRequests() == 1, "the first request queued");
                // The second request arrives while the first waits: the check on the client reads it.
                write(pipelining, "/second", "127.0.0.1:" + lattice.port());
                target.release.countDown();

                assertTrue(readResponse(hold).startsWith("HTTP/1.1 200 "));
                String first = readResponse(pipelining);
                String second = readResponse(pipelining);
                pipelining.close();
                assertTrue(first.contains("\"path\":\"/first\""), first);
                assertTrue(second.contains("\"path\":\"/second\""), second);
            }
        }
        assertEquals(List.of("/hold", "/first", "/second"), target.invoked);
    }

    private static Socket send(LocalLattice lattice, String path) throws IOException {
        return send(lattice, path, "127.0.0.1:" + lattice.port());
    }

    private static Socket send(LocalLattice lattice, String path, String host) throws IOException {
        Socket socket = new Socket("127.0.0.1", lattice.port());
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        write(socket, path, host);
        return socket;
    }

    private static void write(Socket socket, String path, String host) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One response: the head and its Content-Length body, read without consuming anything after it. */
    private static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection ended inside a response head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), "timed out waiting for " + what);
    }
}
