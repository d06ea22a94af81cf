package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * An async answer's body as a blocking {@link InputStream}: it asks the HTTP client for one buffer at a time, and for
 * the next only once the reader has taken the last, so that no more than a buffer or two is held however large the body.
 */
@LatticeInternalApi
final class StreamedBody extends InputStream implements Subscriber<ByteBuffer> {
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Subscription subscription;
    private ByteBuffer current;
    private boolean ended;
    private IOException failure;
    private volatile boolean closed;

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        queue.add(buffer);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, current.remaining());
        current.get(target, offset, n);
        return n;
    }

    /** Waits until a buffer with bytes is at hand; returns false at the end of the body. */
    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("The response body stream is closed");
        }
        while (current == null || !current.hasRemaining()) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while reading the response body");
            }
            if (next == END) {
                ended = true;
            } else if (next instanceof Throwable) {
                Throwable t = (Throwable) next;
                failure = t instanceof IOException ? (IOException) t : new IOException("The response body failed", t);
            } else {
                current = (ByteBuffer) next;
                // The buffer is ours now: ask for the next one while the reader works through this one.
                subscription.request(1);
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        queue.clear();
        current = null;
    }
}
