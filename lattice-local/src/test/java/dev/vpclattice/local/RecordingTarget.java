package dev.vpclattice.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP target that is not ours: the JDK's own {@code com.sun.net.httpserver} on loopback. It records every
 * request it receives (method, raw path and query, headers with lower-cased names, body or the body's SHA-256) and
 * answers as the test's path says:
 * <ul>
 *   <li>{@code /stream/N}: reads the body as it arrives into a SHA-256 and answers with N pseudo-random bytes,
 *       chunked, in 64 KiB writes, and the digest of what it read in {@code x-received-sha256};</li>
 *   <li>{@code /status/N}: answers status N with no body;</li>
 *   <li>anything else: {@code 200}, {@code content-type: text/plain}, {@code x-target: yes}, {@code x-amzn-requestid:
 *       from-target} and the body {@code target saw METHOD PATH}.</li>
 * </ul>
 */
final class RecordingTarget implements AutoCloseable {
    /** One request as the target received it. */
    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    final List<Received> received = new CopyOnWriteArrayList<>();

    RecordingTarget() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.computeIfAbsent(
                                    name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                            .addAll(values));
            if (path.startsWith("/stream/")) {
                String digest = sha256(exchange.getRequestBody());
                received.add(new Received(
                        exchange.getRequestMethod(),
                        path,
                        exchange.getRequestURI().getRawQuery(),
                        headers,
                        digest.getBytes(StandardCharsets.US_ASCII)));
                long size = Long.parseLong(path.substring("/stream/".length()));
                exchange.getResponseHeaders().add("content-type", "application/octet-stream");
                exchange.getResponseHeaders().add("x-received-sha256", digest);
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    Bytes.write(out, size);
                }
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), headers, body));
            if (path.startsWith("/status/")) {
                exchange.sendResponseHeaders(Integer.parseInt(path.substring("/status/".length())), -1);
                return;
            }
            byte[] answer = ("target saw " + exchange.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "text/plain");
            exchange.getResponseHeaders().add("x-target", "yes");
            exchange.getResponseHeaders().add("x-amzn-requestid", "from-target");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        } finally {
            exchange.close();
        }
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = Bytes.sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** Pseudo-random bytes that both sides can produce and check without holding them. */
    static final class Bytes {
        private Bytes() {}

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Byte {@code i} of the stream: cheap, and not a repeat of a short pattern. */
        static byte at(long i) {
            long x = i * 0x9E3779B97F4A7C15L;
            return (byte) (x >>> 56 ^ x >>> 29);
        }

        static void write(OutputStream out, long size) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            for (long written = 0; written < size; ) {
                int n = (int) Math.min(buffer.length, size - written);
                for (int i = 0; i < n; i++) {
                    buffer[i] = at(written + i);
                }
                out.write(buffer, 0, n);
                written += n;
            }
        }

        static String digestOf(long size) {
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(buffer.length, size - done);
                for (int i = 0; i < n; i++) {
                    buffer[i] = at(done + i);
                }
                digest.update(buffer, 0, n);
                done += n;
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        /** A stream of {@code size} of these bytes, generated as it is read. */
        static InputStream stream(long size) {
            return new InputStream() {
                private long position;

                @Override
                public int read() {
                    return position < size ? at(position++) & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position >= size) {
                        return -1;
                    }
                    int n = (int) Math.min(len, size - position);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = at(position++);
                    }
                    return n;
                }
            };
        }
    }
}
