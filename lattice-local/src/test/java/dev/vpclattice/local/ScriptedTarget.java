package dev.vpclattice.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A target that misbehaves on purpose, on a real loopback socket: each accepted connection reads one request head
 * and then does what the next queued {@link Act} says (by default, it answers {@code 200 ok} and closes). Only for
 * faults a well-behaved server cannot be made to show: dying before or in the middle of an answer, stalling,
 * answering something that is not HTTP.
 */
final class ScriptedTarget implements AutoCloseable {
    /** What one connection does after reading the request head. */
    enum Act {
        ANSWER,
        CLOSE_BEFORE_ANSWER,
        RESET_BEFORE_ANSWER,
        DIE_MID_BODY,
        STALL,
        STALL_MID_BODY,
        NOT_HTTP,
        HOP_BY_HOP_ANSWER
    }

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Act> script = new ConcurrentLinkedQueue<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    final List<String> heads = new CopyOnWriteArrayList<>();
    /** Counted down when a stalling connection is closed by the proxy. */
    final CountDownLatch closedByPeer = new CountDownLatch(1);

    ScriptedTarget(int port) {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "scripted-target");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A port on loopback that nothing listens on (it was free a moment ago). */
    static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    ScriptedTarget then(Act act) {
        script.add(act);
        return this;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Act act = script.poll();
                Thread worker = new Thread(() -> serve(socket, act == null ? Act.ANSWER : act), "scripted-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, Act act) {
        try (socket) {
            heads.add(readHead(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            switch (act) {
                case ANSWER ->
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\nok"));
                case CLOSE_BEFORE_ANSWER -> {}
                case RESET_BEFORE_ANSWER -> socket.setSoLinger(true, 0);
                case DIE_MID_BODY -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Length: 100000\r\n\r\n"));
                    out.write(new byte[1000]);
                    out.flush();
                    pause(500);
                    socket.setSoLinger(true, 0);
                }
                case STALL -> {
                    // Silent until the other side closes the connection.
                    while (socket.getInputStream().read() >= 0) {
                        // discard
                    }
                    closedByPeer.countDown();
                }
                case STALL_MID_BODY -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
                    out.write(new byte[1000]);
                    out.flush();
                    closed.await(2, TimeUnit.MINUTES);
                }
                case NOT_HTTP -> out.write(ascii("this is not HTTP\r\n\r\n"));
                case HOP_BY_HOP_ANSWER ->
                    out.write(ascii("HTTP/1.1 200 OK\r\nConnection: X-Hop-Response\r\n"
                            + "X-Hop-Response: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
                            + "Upgrade: h2c\r\nX-End-To-End: kept\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n0\r\n\r\n"));
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // The connection ended; what the proxy made of it is the test's business.
        }
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads up to the blank line that ends a request head (the tests send no bodies). */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.append((char) b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4 || head.length() > 65536) {
                break;
            }
        }
        return head.toString();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (SocketException e) {
                // already gone
            } catch (IOException e) {
                // closing
            }
        }
    }
}
