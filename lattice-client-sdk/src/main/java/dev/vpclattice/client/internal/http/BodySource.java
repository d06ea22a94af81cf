package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;

/**
 * A call's request body, in the form each transport sends it: bytes, a file read afresh for every attempt, or a
 * stream read once. Immutable, except that a stream can be read only once.
 */
@LatticeInternalApi
public final class BodySource {
    /** No body. */
    public static final BodySource NONE = new BodySource(null, null, null, -1);

    private final byte[] bytes;
    private final Path file;
    private final InputStream stream;
    private final long length;

    private BodySource(byte[] bytes, Path file, InputStream stream, long length) {
        this.bytes = bytes;
        this.file = file;
        this.stream = stream;
        this.length = length;
    }

    /**
     * A body of bytes.
     *
     * @param bytes the bytes, not copied
     * @return the body
     */
    public static BodySource ofBytes(byte[] bytes) {
        return new BodySource(bytes, null, null, bytes.length);
    }

    /**
     * A body read from a file for every attempt.
     *
     * @param file the file
     * @return the body, its length taken now
     * @throws UncheckedIOException if the file's size cannot be read
     */
    public static BodySource ofFile(Path file) {
        try {
            return new BodySource(null, file, null, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A body read once from a stream.
     *
     * @param stream the stream
     * @param length how many bytes to send
     * @return the body
     */
    public static BodySource ofStream(InputStream stream, long length) {
        return new BodySource(null, null, stream, length);
    }

    /** @return whether there is a body (possibly empty) */
    public boolean present() {
        return length >= 0;
    }

    /** @return the body's length in bytes, -1 when there is none */
    public long contentLength() {
        return length;
    }

    /** @return whether the body can be sent again: {@code false} for a stream */
    public boolean repeatable() {
        return stream == null;
    }

    /** @return the bytes of a byte body, or {@code null} */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * Returns the body for an {@code SdkHttpClient}.
     *
     * @return the provider, or {@code null} when there is no body
     */
    public ContentStreamProvider streamProvider() {
        if (bytes != null) {
            return ContentStreamProvider.fromByteArrayUnsafe(bytes);
        }
        if (file != null) {
            return ContentStreamProvider.fromInputStreamSupplier(() -> {
                try {
                    return Files.newInputStream(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        if (stream != null) {
            return ContentStreamProvider.fromInputStream(stream);
        }
        return null;
    }

    /**
     * Returns the body for an {@code SdkAsyncHttpClient}.
     *
     * @param readers where a stream is read, off the I/O threads
     * @return the publisher; empty when there is no body
     */
    public SdkHttpContentPublisher publisher(ExecutorService readers) {
        if (file != null) {
            return adapt(AsyncRequestBody.fromFile(file), length);
        }
        if (stream != null) {
            return adapt(
                    AsyncRequestBody.fromInputStream(config ->
                            config.inputStream(stream).contentLength(length).executor(readers)),
                    length);
        }
        return new BytesPublisher(bytes);
    }

    private static SdkHttpContentPublisher adapt(AsyncRequestBody body, long length) {
        return new SdkHttpContentPublisher() {
            @Override
            public Optional<Long> contentLength() {
                return Optional.of(length);
            }

            @Override
            public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
                body.subscribe(subscriber);
            }
        };
    }

    /** The bytes as one buffer, or nothing; a new subscription starts from the beginning. */
    private static final class BytesPublisher implements SdkHttpContentPublisher {
        private final byte[] body;

        BytesPublisher(byte[] body) {
            this.body = body;
        }

        @Override
        public Optional<Long> contentLength() {
            return Optional.of(body == null ? 0L : (long) body.length);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Subscription() {
                private boolean done;

                @Override
                public void request(long n) {
                    if (done) {
                        return;
                    }
                    done = true;
                    if (n <= 0) {
                        subscriber.onError(new IllegalArgumentException(
                                "Reactive Streams rule 3.9: request(" + n + ") must be positive"));
                        return;
                    }
                    if (body != null && body.length > 0) {
                        subscriber.onNext(ByteBuffer.wrap(body).asReadOnlyBuffer());
                    }
                    subscriber.onComplete();
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }
}
