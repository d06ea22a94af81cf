package dev.vpclattice.benchmarks.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vpclattice.local.internal.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS server on 127.0.0.1 that answers every request with a constant small JSON 200, keeping connections
 * alive, so a benchmark measures the client. Its certificate is self-signed for {@code localhost}; clients trust
 * it through {@link #trustManagers()}.
 */
public final class LoopbackHttpsServer implements AutoCloseable {
    /** The answer body. */
    public static final byte[] ANSWER = "{\"ok\":true,\"service\":\"loopback\"}".getBytes(StandardCharsets.UTF_8);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final SelfSignedCertificate certificate;
    private final AtomicLong signedRequests = new AtomicLong();
    private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();

    private LoopbackHttpsServer(HttpsServer server, ExecutorService executor, SelfSignedCertificate certificate) {
        this.server = server;
        this.executor = executor;
        this.certificate = certificate;
    }

    /**
     * Starts the server on a free loopback port.
     *
     * @return the running server
     * @throws UncheckedIOException if it cannot bind
     */
    public static LoopbackHttpsServer start() {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate();
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "loopback-https");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            LoopbackHttpsServer result = new LoopbackHttpsServer(server, executor, certificate);
            server.createContext("/", result::answer);
            server.start();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the loopback HTTPS server", e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        connections.add(exchange.getRemoteAddress());
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            signedRequests.incrementAndGet();
        }
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, ANSWER.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(ANSWER);
        }
    }

    /**
     * Returns the base URL.
     *
     * @return {@code https://localhost:<port>/}
     */
    public URI endpoint() {
        return URI.create("https://localhost:" + server.getAddress().getPort() + "/");
    }

    /**
     * Returns the port.
     *
     * @return the port the server listens on
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns how many requests carried an {@code Authorization} header, so a benchmark can check it signed.
     *
     * @return the count since start
     */
    public long signedRequests() {
        return signedRequests.get();
    }

    /**
     * Returns how many distinct client connections (remote address and port) sent requests, to check keep-alive.
     *
     * @return the count since start
     */
    public int connections() {
        return connections.size();
    }

    /**
     * Returns trust managers that trust this server's certificate only.
     *
     * @return the trust managers
     * @throws IllegalStateException if the JDK cannot build them
     */
    public TrustManager[] trustManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("loopback", certificate.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build trust managers for the loopback certificate: " + e, e);
        }
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
