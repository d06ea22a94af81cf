package dev.vpclattice.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.util.Objects;
import software.amazon.awssdk.http.Abortable;
import software.amazon.awssdk.http.AbortableInputStream;

/**
 * A response whose body is read as a stream, never held in memory whole; its status and headers are in
 * {@link #response()}. Close it when done (closing before the end drops the connection); not thread-safe.
 */
public final class LatticeResponseInputStream extends FilterInputStream implements Abortable {
    private final LatticeResponse response;
    private final AbortableInputStream body;
    private boolean atEnd;
    private boolean closed;

    /**
     * Creates the stream; for adapters and tests.
     *
     * @param response the status and headers (its body is empty for a 2xx answer, which is this stream)
     * @param body the body
     */
    public LatticeResponseInputStream(LatticeResponse response, AbortableInputStream body) {
        super(Objects.requireNonNull(body, "body"));
        this.response = Objects.requireNonNull(response, "response");
        this.body = body;
    }

    /**
     * Returns the answer's status and headers. For a non-2xx answer the client has read the body (within
     * {@code maxResponseBodySize}), so that {@link LatticeResponse#ensureSuccess()} can name the error; this stream
     * then reads the same bytes.
     *
     * @return the response
     */
    public LatticeResponse response() {
        return response;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        atEnd |= b < 0;
        return b;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        int n = super.read(target, offset, length);
        atEnd |= n < 0;
        return n;
    }

    /** Drops the connection: the rest of the body is not read, and the connection is not reused. */
    @Override
    public void abort() {
        closed = true;
        body.abort();
    }

    /**
     * Closes the stream: at the end of the body the connection goes back to the pool; before it, the connection is
     * dropped rather than read to the end.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (atEnd) {
            body.close();
        } else {
            body.abort();
            body.close();
        }
    }
}
