package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The sync client's transport: every step on the caller's thread. Sends an attempt over an {@link SdkHttpClient} and
 * reads the answer within the body size limit (or hands a 2xx body over as a stream), waits for credentials with a
 * deadline, and sleeps before a retry. The call's deadline aborts the exchange from the timer thread.
 */
@LatticeInternalApi
public final class SyncTransport implements Transport {
    private static final byte[] EMPTY = new byte[0];

    private final SdkHttpClient httpClient;
    private final ResponseFactory responses;
    private final BooleanSupplier open;

    /**
     * Creates the transport.
     *
     * @param httpClient the HTTP client
     * @param responses builds responses and knows the body limit
     * @param open tells whether the client is still open
     */
    public SyncTransport(SdkHttpClient httpClient, ResponseFactory responses, BooleanSupplier open) {
        this.httpClient = httpClient;
        this.responses = responses;
        this.open = open;
    }

    @Override
    public void send(Call call, SdkHttpRequest request, Done done) {
        ExecutableHttpRequest exchange;
        try {
            exchange = httpClient.prepareRequest(HttpExecuteRequest.builder()
                    .request(request)
                    .contentStreamProvider(call.body().streamProvider())
                    .build());
        } catch (RuntimeException e) {
            done.done(null, null, e);
            return;
        }
        done.started(exchange::abort);
        LatticeResponse response = null;
        AbortableInputStream stream = null;
        Throwable failure = null;
        try {
            HttpExecuteResponse answer = exchange.call();
            SdkHttpResponse head = answer.httpResponse();
            responses.checkStatus(head);
            InputStream in = answer.responseBody().orElse(null);
            if (call.streamed() && head.isSuccessful()) {
                stream = in == null
                        ? AbortableInputStream.create(new ByteArrayInputStream(EMPTY))
                        : in instanceof AbortableInputStream
                                ? (AbortableInputStream) in
                                : AbortableInputStream.create(in, exchange::abort);
                response = responses.create(call, head, EMPTY);
            } else {
                byte[] bytes;
                // Reading to the end and closing returns the connection to the pool.
                try (InputStream body = in) {
                    bytes = body == null ? EMPTY : readAtMost(body, contentLength(head), responses.maxBodySize());
                    if (bytes == null) {
                        // Drop the connection rather than let close() drain an oversized body to reuse it.
                        exchange.abort();
                        throw responses.tooLarge(call);
                    }
                }
                response = responses.create(call, head, bytes);
            }
        } catch (IOException | RuntimeException e) {
            exchange.abort();
            failure = e;
        }
        done.done(response, stream, failure);
    }

    @Override
    public <T> Wait await(Call call, CompletableFuture<T> future, BiConsumer<T, Throwable> next) {
        T value = null;
        Throwable failure = null;
        try {
            value = future.get(Math.max(0, call.remainingNanos(System.nanoTime())), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failure = e;
        } catch (ExecutionException e) {
            failure = e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        next.accept(value, failure);
        return Wait.DONE;
    }

    @Override
    public Wait after(long delayNanos, Consumer<Throwable> next) {
        try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.accept(e);
            return Wait.DONE;
        }
        next.accept(null);
        return Wait.DONE;
    }

    @Override
    public void onDeadline(Runnable action) {
        action.run();
    }

    @Override
    public void deliver(Runnable delivery) {
        delivery.run();
    }

    @Override
    public boolean open() {
        return open.getAsBoolean();
    }

    @Override
    public String clientName() {
        return "LatticeClient";
    }

    @Override
    public boolean blocking() {
        return true;
    }

    private static long contentLength(SdkHttpResponse head) {
        Optional<String> value = head.firstMatchingHeader("Content-Length");
        if (value.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads the whole stream, or returns {@code null} as soon as it holds more than {@code limit} bytes. With a known
     * length the array is allocated once, at its final size.
     */
    static byte[] readAtMost(InputStream in, long declaredLength, int limit) throws IOException {
        if (declaredLength > limit) {
            return null;
        }
        if (declaredLength >= 0) {
            byte[] bytes = new byte[(int) declaredLength];
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read < bytes.length) {
                return Arrays.copyOf(bytes, read);
            }
            int next = in.read();
            if (next < 0) {
                return bytes;
            }
            // The stream goes on past its Content-Length (Apache 5 stops there; another client might not).
            byte[] rest = in.readNBytes(limit - bytes.length);
            if (bytes.length + 1 + rest.length > limit || in.read() >= 0) {
                return null;
            }
            byte[] all = Arrays.copyOf(bytes, bytes.length + 1 + rest.length);
            all[bytes.length] = (byte) next;
            System.arraycopy(rest, 0, all, bytes.length + 1, rest.length);
            return all;
        }
        byte[] bytes = in.readNBytes(limit);
        if (bytes.length == limit && in.read() >= 0) {
            return null;
        }
        return bytes;
    }
}
