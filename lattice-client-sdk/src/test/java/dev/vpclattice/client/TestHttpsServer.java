package dev.vpclattice.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real HTTPS (or HTTP) server on a loopback ephemeral port that records each request and answers per test. */
final class TestHttpsServer implements AutoCloseable {

    /** One received request as it arrived on the wire. */
    record Received(
            String method, URI uri, Map<String, List<String>> headers, byte[] body, long arrivalNanos, int clientPort) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one exchange. */
    interface Handler {
        void handle(HttpExchange exchange, Received request) throws Exception;
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Released at close so handlers that stall end promptly. */
    final CountDownLatch closing = new CountDownLatch(1);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final boolean https;
    volatile Handler handler = (exchange, request) -> respond(exchange, 200, "ok");

    private TestHttpsServer(boolean https) throws IOException {
        this.https = https;
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (https) {
            HttpsServer secure = HttpsServer.create(address, 0);
            secure.setHttpsConfigurator(new HttpsConfigurator(TestTls.INSTANCE.serverContext));
            server = secure;
        } else {
            server = HttpServer.create(address, 0);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
                Received request = new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI(),
                        headers,
                        in.readAllBytes(),
                        System.nanoTime(),
                        exchange.getRemoteAddress().getPort());
                received.add(request);
                handler.handle(exchange, request);
            } catch (Exception e) {
                respond(exchange, 599, "test handler failed: " + e);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    static TestHttpsServer https() throws IOException {
        return new TestHttpsServer(true);
    }

    static TestHttpsServer http() throws IOException {
        return new TestHttpsServer(false);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The base URL; 127.0.0.1 is in the certificate's subject alternative names. */
    String url() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port();
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, Map.of(), body);
    }

    static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
