package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies that are never held in memory whole: 100 MB goes up and 100 MB comes down through each client, in a child JVM
 * whose heap is far smaller than that; and a stream body is sent once, a file body retried.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LatticeClientStreamingTest {
    static final long HUNDRED_MB = 100L * 1024 * 1024;
    static final String CHILD_HEAP = "-Xmx64m";

    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    @TempDir
    static Path temp;

    /** A loopback HTTPS server that counts and checksums what is uploaded, and streams a body down, holding neither. */
    private static HttpsServer streamingServer(long downloadSize) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TestTls.INSTANCE.serverContext));
        ExecutorService executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/upload", exchange -> {
            long[] count = new long[1];
            long crc;
            try (InputStream in = exchange.getRequestBody()) {
                crc = StreamingProbeMain.crc(in, count);
            }
            byte[] answer = (count[0] + " " + crc).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.createContext("/download", exchange -> {
            exchange.sendResponseHeaders(200, downloadSize);
            try (InputStream in = new StreamingProbeMain.Pattern(downloadSize);
                    OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
        server.start();
        return server;
    }

    @Test
    void hundredMegabytesEachWay_throughBothClients_inAHeapOf64Megabytes() throws Exception {
        Path pem = temp.resolve("server.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(TestTls.INSTANCE.certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        HttpsServer server = streamingServer(HUNDRED_MB);
        try {
            String base = "https://127.0.0.1:" + server.getAddress().getPort();
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    CHILD_HEAP,
                    "-cp",
                    classPath,
                    StreamingProbeMain.class.getName(),
                    base,
                    pem.toString(),
                    Long.toString(HUNDRED_MB)));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("probe.log").toFile())
                    .start();
            assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the probe JVM did not finish");
            String output = Files.readString(temp.resolve("probe.log"));
            assertEquals(0, process.exitValue(), output);
            Map<String, String> lines = new java.util.HashMap<>();
            output.lines().map(l -> l.split(" ", 2)).filter(p -> p.length == 2).forEach(p -> lines.put(p[0], p[1]));
            String expected = lines.get("expected");
            // THEN every byte went up and came down, and the child's heap stayed below its 64 MB bound
            assertEquals(expected, lines.get("sync-upload"), output);
            assertEquals(expected, lines.get("sync-download"), output);
            assertEquals(expected, lines.get("async-upload"), output);
            assertEquals(expected, lines.get("async-download"), output);
            System.out.println("streaming probe: peak heap " + lines.get("peak-heap-mb") + " MB");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFileBody_isRetried_butAStreamBody_isSentOnce() throws Exception {
        // GIVEN a service that is unavailable on the first attempt of each call
        AtomicInteger calls = new AtomicInteger();
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange, calls.incrementAndGet() % 2 == 1 ? 503 : 200, "attempt " + calls.get());
        byte[] content = "a body that can be read again".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(temp.resolve("body.txt"), content);
        try (LatticeClient client = fixture.client().maxAttempts(3).build()) {
            LatticeResponse fromFile =
                    client.send(r -> r.method("PUT").url(fixture.url()).body(file));
            assertEquals(200, fromFile.statusCode());
            assertEquals(2, fromFile.attempts());
            calls.set(0);
            LatticeResponse fromStream = client.send(r -> r.method("PUT")
                    .url(fixture.url())
                    .retryable(true)
                    .body(new java.io.ByteArrayInputStream(content), content.length));
            assertEquals(503, fromStream.statusCode());
            assertEquals(1, fromStream.attempts(), "a stream cannot be read twice");
        }
        List<TestHttpsServer.Received> received = fixture.server().received;
        assertEquals(3, received.size());
        for (TestHttpsServer.Received request : received) {
            assertEquals(new String(content, StandardCharsets.UTF_8), request.bodyText());
        }
    }
}
