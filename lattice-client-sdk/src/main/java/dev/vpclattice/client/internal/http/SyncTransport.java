package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import dev.vpclattice.client.internal.call.DeadlineTimer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends one signed attempt over an {@link SdkHttpClient} on the calling thread and reads the whole answer, while the
 * shared {@link DeadlineTimer} stands ready to abort the exchange when the call's deadline passes. The seam where an
 * asynchronous transport over {@code SdkAsyncHttpClient} would sit beside it.
 */
@LatticeInternalApi
public final class SyncTransport {
    private static final byte[] EMPTY = new byte[0];

    private final SdkHttpClient httpClient;
    private final DeadlineTimer timer;
    private final ResponseFactory responses;

    /**
     * Creates the transport.
     *
     * @param httpClient the HTTP client
     * @param timer the timer that aborts exchanges at the deadline
     * @param responses builds responses and knows the body limit
     */
    public SyncTransport(SdkHttpClient httpClient, DeadlineTimer timer, ResponseFactory responses) {
        this.httpClient = httpClient;
        this.timer = timer;
        this.responses = responses;
    }

    /**
     * Sends the attempt and reads the answer.
     *
     * @param call the call, whose attempt count names the response
     * @param signed the signed request
     * @return the response
     * @throws AbortedAtDeadline if the deadline aborted the exchange (its cause is the exchange's failure)
     * @throws IOException if the exchange failed
     */
    public LatticeResponse exchange(Call call, SdkHttpRequest signed) throws IOException {
        byte[] body = call.body();
        ExecutableHttpRequest exchange = httpClient.prepareRequest(HttpExecuteRequest.builder()
                .request(signed)
                .contentStreamProvider(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                .build());
        Abort abort = new Abort(exchange);
        DeadlineTimer.Timeout timeout = timer.schedule(call.deadlineNanos(), abort);
        try {
            HttpExecuteResponse response = exchange.call();
            byte[] bytes;
            // Reading to the end and closing returns the connection to the pool.
            try (InputStream in = response.responseBody().orElse(null)) {
                bytes = in == null ? EMPTY : readAtMost(in, contentLength(response), responses.maxBodySize());
                if (bytes == null) {
                    // Drop the connection rather than let close() drain an oversized body to reuse it.
                    exchange.abort();
                    throw responses.tooLarge(call);
                }
            }
            return responses.create(call, response.httpResponse(), bytes);
        } catch (IOException | RuntimeException e) {
            if (!timeout.cancel() && abort.fired) {
                throw new AbortedAtDeadline(e);
            }
            throw e;
        } finally {
            timeout.cancel();
        }
    }

    private static long contentLength(HttpExecuteResponse response) {
        Optional<String> value = response.httpResponse().firstMatchingHeader("Content-Length");
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

    /** The deadline aborted the exchange; the cause is the failure the abort produced. */
    public static final class AbortedAtDeadline extends IOException {
        private static final long serialVersionUID = 1L;

        AbortedAtDeadline(Throwable cause) {
            super(cause);
        }
    }

    private static final class Abort implements Runnable {
        private final ExecutableHttpRequest exchange;
        private volatile boolean fired;

        Abort(ExecutableHttpRequest exchange) {
            this.exchange = exchange;
        }

        @Override
        public void run() {
            fired = true;
            exchange.abort();
        }
    }
}
