package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

/**
 * The async client's transport: no thread waits. Sends an attempt over an {@link SdkAsyncHttpClient} and collects the
 * answer within the body size limit (or hands a 2xx body over as a stream); continues a credentials wait when the
 * resolution completes; schedules a retry on the shared {@link DeadlineTimer}, which hands it to the completion
 * executor when due; and completes the caller's future on that executor. An exchange can be aborted at any time, which
 * cancels the HTTP client's execution and so closes its connection instead of returning it to the pool half-read.
 */
@LatticeInternalApi
public final class AsyncTransport implements Transport {
    private static final byte[] EMPTY = new byte[0];

    private final SdkAsyncHttpClient httpClient;
    private final ResponseFactory responses;
    private final DeadlineTimer timer;
    private final Executor completions;
    private final BooleanSupplier open;

    /**
     * Creates the transport.
     *
     * @param httpClient the async HTTP client
     * @param responses builds responses and knows the body limit
     * @param timer schedules retries
     * @param completions completes the caller's futures and runs retries and deadlines
     * @param open tells whether the client is still open
     */
    public AsyncTransport(
            SdkAsyncHttpClient httpClient,
            ResponseFactory responses,
            DeadlineTimer timer,
            Executor completions,
            BooleanSupplier open) {
        this.httpClient = httpClient;
        this.responses = responses;
        this.timer = timer;
        this.completions = completions;
        this.open = open;
    }

    @Override
    public void send(Call call, SdkHttpRequest request, Done done) {
        Exchange exchange = new Exchange(call, done);
        done.started(exchange);
        CompletableFuture<Void> execution;
        try {
            execution = httpClient.execute(AsyncExecuteRequest.builder()
                    .request(request)
                    .requestContentPublisher(call.body().publisher(BodyReaders.POOL))
                    .responseHandler(exchange)
                    .fullDuplex(false)
                    .build());
        } catch (RuntimeException e) {
            exchange.fail(e);
            return;
        }
        exchange.started(execution);
    }

    @Override
    public <T> Wait await(Call call, CompletableFuture<T> future, BiConsumer<T, Throwable> next) {
        AtomicBoolean claimed = new AtomicBoolean();
        future.whenComplete((value, failure) -> {
            if (claimed.compareAndSet(false, true)) {
                next.accept(value, failure);
            }
        });
        return () -> claimed.compareAndSet(false, true);
    }

    @Override
    public Wait after(long delayNanos, Consumer<Throwable> next) {
        DeadlineTimer.Timeout scheduled =
                timer.schedule(System.nanoTime() + delayNanos, () -> execute(() -> next.accept(null)));
        return scheduled::cancel;
    }

    @Override
    public void onDeadline(Runnable action) {
        execute(action);
    }

    @Override
    public void deliver(Runnable delivery) {
        execute(delivery);
    }

    @Override
    public boolean open() {
        return open.getAsBoolean();
    }

    @Override
    public String clientName() {
        return "LatticeAsyncClient";
    }

    @Override
    public boolean blocking() {
        return false;
    }

    /** Runs on the completion executor, or here once it no longer accepts work (the client is closed). */
    private void execute(Runnable task) {
        try {
            completions.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** One exchange: the response handler the HTTP client calls, and the handle that aborts it. */
    private final class Exchange implements SdkAsyncHttpResponseHandler, Transport.Exchange {
        private final Call call;
        private final Done done;
        private volatile CompletableFuture<Void> execution;
        private volatile boolean aborted;
        private SdkHttpResponse head;
        private volatile boolean streamed;
        private boolean finished;

        Exchange(Call call, Done done) {
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

        @Override
        public void abort() {
            aborted = true;
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
            try {
                responses.checkStatus(headers);
            } catch (IOException e) {
                refuse(e);
                return;
            }
            if (!streamsBody(headers) && declaredLength(headers) > responses.maxBodySize()) {
                refuse(responses.tooLarge(call));
            }
        }

        private boolean streamsBody(SdkHttpResponse headers) {
            return call.streamed() && headers.isSuccessful();
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            streamed = true;
            SdkHttpResponse h;
            synchronized (this) {
                h = head;
            }
            if (h != null && streamsBody(h)) {
                StreamedBody body = new StreamedBody();
                stream.subscribe(body);
                if (finish()) {
                    LatticeResponse response;
                    try {
                        response = responses.create(call, h, EMPTY);
                    } catch (RuntimeException e) {
                        body.close();
                        done.done(null, null, e);
                        return;
                    }
                    done.done(response, AbortableInputStream.create(body, this::abort), null);
                } else {
                    body.close();
                }
                return;
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

        /** Ends the exchange with a failure of the answer, dropping the connection rather than reading on. */
        void refuse(Throwable failure) {
            if (finish()) {
                abort();
                done.done(null, null, failure);
            }
        }

        Throwable tooLarge() {
            return responses.tooLarge(call);
        }

        void succeed(byte[] body) {
            SdkHttpResponse h;
            synchronized (this) {
                h = head;
            }
            if (h == null) {
                fail(new IOException("The HTTP client completed the exchange without a response"));
                return;
            }
            if (finish()) {
                LatticeResponse response;
                try {
                    response = responses.create(call, h, body);
                } catch (RuntimeException e) {
                    done.done(null, null, e);
                    return;
                }
                done.done(response, null, null);
            }
        }

        void fail(Throwable failure) {
            if (finish()) {
                done.done(null, null, unwrap(failure));
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
                exchange.refuse(exchange.tooLarge());
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

    /** Threads that read request bodies given as streams, off the HTTP client's I/O threads; idle ones end. */
    private static final class BodyReaders {
        static final ExecutorService POOL = create();

        private static ExecutorService create() {
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread thread = new Thread(r, "lattice-async-body-reader");
                thread.setDaemon(true);
                return thread;
            });
        }
    }
}
