package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;

/**
 * Sends one signed attempt over an {@link SdkAsyncHttpClient} and collects the whole answer, within the body size
 * limit, without blocking any thread: the asynchronous counterpart of {@link SyncTransport}. An exchange can be aborted
 * at any time, which cancels the HTTP client's execution and so closes its connection instead of returning it to the
 * pool half-read.
 */
@LatticeInternalApi
public final class AsyncTransport {
    private static final byte[] EMPTY = new byte[0];

    private final SdkAsyncHttpClient httpClient;
    private final ResponseFactory responses;

    /**
     * Creates the transport.
     *
     * @param httpClient the async HTTP client
     * @param responses builds responses and knows the body limit
     */
    public AsyncTransport(SdkAsyncHttpClient httpClient, ResponseFactory responses) {
        this.httpClient = httpClient;
        this.responses = responses;
    }

    /**
     * Starts the attempt. {@code done} is called exactly once, on an I/O thread (or on the calling thread if the HTTP
     * client fails at once), with the response or with what failed: the HTTP client's exception, unwrapped from
     * {@link CompletionException}, or a {@code LatticeClientException} for a body over the limit.
     *
     * @param call the call, whose attempt count names the response
     * @param signed the signed request
     * @param done receives the response or the failure
     * @return the exchange, to abort
     */
    public Exchange exchange(Call call, SdkHttpRequest signed, BiConsumer<LatticeResponse, Throwable> done) {
        Exchange exchange = new Exchange(call, done);
        byte[] body = call.body();
        AsyncExecuteRequest request = AsyncExecuteRequest.builder()
                .request(signed)
                .requestContentPublisher(new BodyPublisher(body))
                .responseHandler(exchange)
                .fullDuplex(false)
                .build();
        CompletableFuture<Void> execution;
        try {
            execution = httpClient.execute(request);
        } catch (RuntimeException e) {
            exchange.fail(e);
            return exchange;
        }
        exchange.started(execution);
        return exchange;
    }

    /** One exchange: the response handler the HTTP client calls, and the handle that aborts it. */
    public final class Exchange implements SdkAsyncHttpResponseHandler {
        private final Call call;
        private final BiConsumer<LatticeResponse, Throwable> done;
        private volatile CompletableFuture<Void> execution;
        private volatile boolean aborted;
        private SdkHttpResponse head;
        private volatile boolean streamed;
        private boolean finished;

        Exchange(Call call, BiConsumer<LatticeResponse, Throwable> done) {
            this.call = call;
            this.done = done;
        }

        void started(CompletableFuture<Void> future) {
            execution = future;
            if (aborted) {
                future.cancel(true);
            }
            future.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else if (!streamed) {
                    // The client finished without handing over a body stream (no body at all): an empty body.
                    succeed(EMPTY);
                }
            });
        }

        /**
         * Aborts the exchange: cancels the HTTP client's execution, which closes the connection. {@code done} is
         * not called afterwards unless it already was.
         */
        public void abort() {
            aborted = true;
            synchronized (this) {
                finished = true;
            }
            CompletableFuture<Void> running = execution;
            if (running != null) {
                running.cancel(true);
            }
        }

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            synchronized (this) {
                head = headers;
            }
            if (declaredLength(headers) > responses.maxBodySize()) {
                tooLarge();
            }
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            streamed = true;
            SdkHttpResponse h;
            synchronized (this) {
                h = head;
            }
            stream.subscribe(new BodySubscriber(this, h == null ? -1 : declaredLength(h), responses.maxBodySize()));
        }

        /** The body length the head announces; -1 when unknown or when no body follows it (HEAD, 204, 304). */
        private long declaredLength(SdkHttpResponse headers) {
            if ("HEAD".equals(call.request().method()) || headers.statusCode() == 204 || headers.statusCode() == 304) {
                return -1;
            }
            return headers.firstMatchingHeader("Content-Length")
                    .map(AsyncTransport::parseLength)
                    .orElse(-1L);
        }

        @Override
        public void onError(Throwable error) {
            fail(error);
        }

        void tooLarge() {
            if (finish()) {
                // Drop the connection rather than read the rest of an oversized body to reuse it.
                CompletableFuture<Void> running = execution;
                aborted = true;
                if (running != null) {
                    running.cancel(true);
                }
                done.accept(null, responses.tooLarge(call));
            }
        }

        void succeed(byte[] body) {
            SdkHttpResponse h;
            synchronized (this) {
                h = head;
            }
            if (h == null) {
                fail(new java.io.IOException("The HTTP client completed the exchange without a response"));
                return;
            }
            if (finish()) {
                LatticeResponse response;
                try {
                    response = responses.create(call, h, body);
                } catch (RuntimeException e) {
                    done.accept(null, e);
                    return;
                }
                done.accept(response, null);
            }
        }

        void fail(Throwable failure) {
            if (finish()) {
                done.accept(null, unwrap(failure));
            }
        }

        private synchronized boolean finish() {
            if (finished) {
                return false;
            }
            finished = true;
            return true;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Collects the body, failing as soon as it outgrows the limit. With a known length, one array of that size. */
    private static final class BodySubscriber implements Subscriber<ByteBuffer> {
        private final Exchange exchange;
        private final int limit;
        private Subscription subscription;
        private byte[] bytes;
        private int length;
        private boolean over;

        BodySubscriber(Exchange exchange, long declaredLength, int limit) {
            this.exchange = exchange;
            this.limit = limit;
            this.bytes = declaredLength >= 0 && declaredLength <= limit
                    ? new byte[(int) declaredLength]
                    : new byte[Math.min(limit, 8192)];
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (over) {
                return;
            }
            int n = buffer.remaining();
            if ((long) length + n > limit) {
                over = true;
                subscription.cancel();
                exchange.tooLarge();
                return;
            }
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) bytes.length * 2, length + n)));
            }
            buffer.get(bytes, length, n);
            length += n;
        }

        @Override
        public void onError(Throwable t) {
            if (!over) {
                exchange.fail(t);
            }
        }

        @Override
        public void onComplete() {
            if (!over) {
                exchange.succeed(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
            }
        }
    }

    /** The request body as one buffer, or nothing; a new subscription starts from the beginning. */
    private static final class BodyPublisher implements SdkHttpContentPublisher {
        private final byte[] body;

        BodyPublisher(byte[] body) {
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
