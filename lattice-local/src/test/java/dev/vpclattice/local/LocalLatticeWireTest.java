package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP-level behaviour of a local Lattice seen by clients that are not SigV4 signers: HEAD, bodies, hosts. */
@Timeout(120)
class LocalLatticeWireTest {
    static LocalLattice lattice;
    static SSLContext tls;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        lattice = LocalLattice.builder()
                .credential("AKIDWIRE", "wire-secret", null)
                .target(event -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .body("ok")
                        .build())
                .build();
        tls = lattice.certificate().sslContext();
        http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void stop() {
        lattice.close();
    }

    @Test
    void unsignedHead_gets403_withNoBody() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(lattice.endpoint() + "/h"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(403, response.statusCode());
        assertEquals("", response.body());
        assertEquals(
                "text/plain; charset=utf-8",
                response.headers().firstValue("content-type").orElse(""));
    }

    /** Sends a request head over a raw TLS socket and returns the socket, so the body can be withheld. */
    static SSLSocket sendHead(String head) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", lattice.port());
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Reads the status line, header lines and a Content-Length body; the first element is the status line. */
    static List<String> readResponse(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            lines.add(line);
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        lines.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        return lines;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection ended inside the response head: " + line);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** True when the peer has closed the connection: end of stream or a reset, never a byte. */
    private static boolean closedByServer(SSLSocket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    @Test
    void unsignedPostLongerThanTheDrainBound_gets403_beforeItsBodyIsSent_andTheServerDropsTheRest() throws Exception {
        long declared = 4 * (long) dev.vpclattice.local.internal.LatticeExchangeHandler.DRAIN_BYTES;
        try (SSLSocket socket =
                sendHead("POST /upload HTTP/1.1\r\nHost: " + lattice.endpoint().getAuthority()
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + declared + "\r\n\r\n")) {
            // Not one byte of the body has been sent: a server that read the body before authenticating would
            // still be waiting for it, and this read would time out.
            List<String> response = readResponse(socket.getInputStream());

            assertEquals("HTTP/1.1 403 Forbidden", response.get(0));
            assertTrue(response.contains("Connection: close"), response.toString());
            assertTrue(
                    response.get(response.size() - 1).startsWith("AccessDeniedException: User: anonymous"),
                    response.toString());
            // A body longer than the drain bound is not read at all: the server closes the connection at once.
            try {
                socket.getOutputStream().write(new byte[256 * 1024]);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // already closed by the server: what this test wants
            }
            assertTrue(closedByServer(socket), "the server kept the connection of a refused upload open");
        }
    }

    @Test
    void endpoint_namesTheAddressTheServerListensOn_soEveryResolvedAddressAnswers() throws Exception {
        URI endpoint = lattice.endpoint();

        // An IP literal: no resolver can send a client to ::1, where the server does not listen.
        assertEquals("127.0.0.1", endpoint.getHost());
        for (java.net.InetAddress address : java.net.InetAddress.getAllByName(endpoint.getHost())) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(address, endpoint.getPort()), 10_000);
                assertTrue(socket.isConnected(), address.toString());
            }
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpoint.resolve("/"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode(), "TLS with the IP in the certificate, then an unsigned request");
    }
}
