package dev.vpclattice.local.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP/1.1 server, over TLS or plain, in front of a {@link LatticeExchangeHandler}: Jetty on {@code 127.0.0.1},
 * configured to pass request targets through as Lattice sees them and to bound how long a client may take to send a
 * request.
 *
 * <ul>
 *   <li>URI compliance is Jetty's {@code UNSAFE}: targets with {@code //}, {@code %2F}, {@code %25} or dot segments
 *       reach the handler as sent (it normalizes and verifies them itself and never maps a path to a file).</li>
 *   <li>An absolute-form target whose authority differs from the Host header is refused with {@code 400}: the
 *       signature covers the Host header, so the authority that is routed must be the one that was signed.</li>
 *   <li>Headers must be complete within the header timeout ({@link HeaderDeadlines}); a connection with no bytes for
 *       the idle timeout is closed; the handler bounds the body itself.</li>
 *   <li>Errors Jetty answers itself (a malformed request line, a bad chunk size) are {@code text/plain}, as Lattice's
 *       are, without Jetty's HTML page or version.</li>
 * </ul>
 */
public final class FrontEnd implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final HeaderDeadlines deadlines;

    private FrontEnd(Server server, ServerConnector connector, HeaderDeadlines deadlines) {
        this.server = server;
        this.connector = connector;
        this.deadlines = deadlines;
    }

    /**
     * Binds the port and starts serving.
     *
     * @param port the port on 127.0.0.1; 0 picks a free one
     * @param sslContext the server's TLS context (certificate and key), awaited only once the server is built, so
     *     that a certificate generated on another thread and Jetty's class loading overlap; null for plain HTTP
     * @param headerTimeout the longest time a client may take to send a request's headers
     * @param idleTimeout how long a connection may carry no bytes at all
     * @param handlerForPort builds the handler once the actual port is known
     * @return the running server
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static FrontEnd start(
            int port,
            Supplier<SSLContext> sslContext,
            Duration headerTimeout,
            Duration idleTimeout,
            IntFunction<LatticeExchangeHandler> handlerForPort) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("local-lattice");
        threads.setDaemon(true);
        threads.setStopTimeout(2000);
        Server server = new Server(threads);
        server.setStopTimeout(0);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        // The signature covers header values as the client sent them. Jetty's header cache would otherwise hand the
        // handler a cached value that differs in case, such as "application/json;charset=utf-8" for the
        // "application/json;charset=UTF-8" Apache HttpClient sends, and a valid signature would fail to verify.
        http.setHeaderCacheCaseSensitive(true);
        // Lattice routes by the Host header, not by the TLS server name: a host it does not serve is 404, whatever
        // SNI said (Jetty's default check would answer 400 "Invalid SNI" first).
        SslContextFactory.Server tls = null;
        ServerConnector connector;
        if (sslContext != null) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            tls = new SslContextFactory.Server();
            connector = new ServerConnector(
                    server, 1, 1, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        HeaderDeadlines deadlines = new HeaderDeadlines(headerTimeout);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.addEventListener(deadlines);
        server.addConnector(connector);
        server.setErrorHandler(new PlainTextErrors());
        try {
            if (tls != null) {
                tls.setSslContext(sslContext.get());
            }
            connector.open();
            LatticeExchangeHandler handler = handlerForPort.apply(connector.getLocalPort());
            handler.useDeadlines(deadlines);
            server.setHandler(handler);
            server.start();
            deadlines.start(connector.getScheduler());
        } catch (IOException e) {
            stopQuietly(server);
            throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, e);
        } catch (Exception e) {
            stopQuietly(server);
            throw new IllegalStateException("Could not start the HTTP server on 127.0.0.1:" + port + ": " + e, e);
        }
        return new FrontEnd(server, connector, deadlines);
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops listening, closes every connection and ends in-flight exchanges. Idempotent. */
    @Override
    public void close() {
        deadlines.stop();
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Closing is best effort: the connector's socket is closed first, which is what callers rely on.
        }
    }

    /** Answers the errors Jetty detects itself as {@code text/plain}, {@code Code: message}, like Lattice's. */
    private static final class PlainTextErrors extends ErrorHandler {
        @Override
        protected void generateResponse(
                Request request, Response response, int code, String message, Throwable cause, Callback callback) {
            String reason = HttpStatus.getMessage(code);
            String detail = "Authority!=Host".equals(message)
                    ? "The request target's authority differs from the Host header."
                    : message == null || message.isBlank() ? reason : message;
            String text = (code == 400 ? "BadRequestException" : reason.replace(" ", "") + "Exception") + ": " + detail;
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }
}
