package dev.vpclattice.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on a loopback port that hands each accepted, handshaken socket to a script and then closes it: for
 * answers no HTTP server library would give (garbage status lines, resets after the request).
 */
final class RawTlsServer implements AutoCloseable {
    /** What to do with one connection. */
    interface Script {
        void handle(SSLSocket socket) throws Exception;
    }

    private final SSLServerSocket server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    private RawTlsServer(TestTls tls, Script script) throws IOException {
        server = (SSLServerSocket)
                tls.serverContext.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (SSLSocket socket = (SSLSocket) server.accept()) {
                            socket.setSoTimeout(10_000);
                            requests.incrementAndGet();
                            script.handle(socket);
                        } catch (Exception e) {
                            // the client went away, or the server closed
                        }
                    }
                },
                "raw-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawTlsServer start(Script script) throws IOException {
        return new RawTlsServer(TestTls.INSTANCE, script);
    }

    /** Starts a server with another identity, e.g. {@link TestTls#stranger()}. */
    static RawTlsServer start(TestTls tls, Script script) throws IOException {
        return new RawTlsServer(tls, script);
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** How many connections the script has been handed. */
    int requests() {
        return requests.get();
    }

    /** Reads up to the blank line that ends a request head. */
    static String readRequestHead(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
