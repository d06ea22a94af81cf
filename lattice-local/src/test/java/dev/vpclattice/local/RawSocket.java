package dev.vpclattice.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/** A TLS client that writes exactly the bytes a test gives it and reads the answer as sent. */
final class RawSocket implements AutoCloseable {
    private final SSLSocket socket;

    private RawSocket(SSLSocket socket) {
        this.socket = socket;
    }

    /** Connects to the lattice over TLS, trusting its certificate; reads time out after {@code readTimeoutMillis}. */
    static RawSocket connect(LocalLattice lattice, int readTimeoutMillis) throws IOException {
        SSLSocket socket = (SSLSocket)
                lattice.certificate().sslContext().getSocketFactory().createSocket("127.0.0.1", lattice.port());
        socket.setSoTimeout(readTimeoutMillis);
        socket.startHandshake();
        return new RawSocket(socket);
    }

    RawSocket send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawSocket send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** The status line, then the header lines, then the body (read by Content-Length) as the last element. */
    List<String> readResponse() throws IOException {
        InputStream in = socket.getInputStream();
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

    /**
     * Waits for the server to end the connection: true for end of stream or a reset, false when nothing came
     * within the read timeout (the connection is still open).
     */
    boolean closedByServer() {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // an answer before the close (e.g. 408) is fine: keep reading until the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
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
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
