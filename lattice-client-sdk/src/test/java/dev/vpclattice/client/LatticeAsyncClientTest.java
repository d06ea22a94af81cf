package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.internal.call.DeadlineTimer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The async client's exceptions, retries, cancellation and completion threads against real loopback servers, and its
 * builder's refusals; each failure is compared with what the sync client says in the same situation.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LatticeAsyncClientTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    static final String ACCESS_KEY = "AKIDASYNCTEST0000001";
    static final String SECRET_KEY = "async-test-secret-key-000000000000000000";
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private static LatticeAsyncClient.Builder client() {
        return LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(50))
                .tracing(false);
    }

    private static LatticeClient.Builder syncClient() {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(fixture.http())
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(50))
                .tracing(false);
    }

    private static LatticeRequest get(String url) {
        return LatticeRequest.builder().url(url).build();
    }

    /** Waits for the future and returns the exception it failed with, unwrapped from ExecutionException. */
    private static Throwable failure(CompletableFuture<LatticeResponse> future) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void send_signsWithTheSdkSigner_andAnswersWithTheResponse() throws Exception {
        fixture.server().handler = (exchange, request) ->
                TestHttpsServer.respond(exchange, 201, Map.of("Content-Type", "application/json"), "{\"id\":7}");
        try (LatticeAsyncClient client = client().build()) {
            LatticeRequest request = LatticeRequest.builder()
                    .method("PUT")
                    .url(fixture.url())
                    .path("/items/a%20b")
                    .queryParameter("v", "1")
                    .jsonBody(Map.of("name", "x"))
                    .build();
            LatticeResponse response = client.send(request).get(30, TimeUnit.SECONDS);

            assertEquals(201, response.statusCode());
            assertEquals(Map.of("id", 7), response.bodyAs(Map.class));
            TestHttpsServer.Received received = fixture.server().received.get(0);
            assertEquals("{\"name\":\"x\"}", received.bodyText());
            assertEquals("UNSIGNED-PAYLOAD", received.header("x-amz-content-sha256"));
            IndependentSigV4Verifier.Result signature =
                    IndependentSigV4Verifier.verify(received, Map.of(ACCESS_KEY, SECRET_KEY));
            assertTrue(signature.valid(), signature.toString());
            assertTrue(signature.signedHeaders().contains("x-amz-content-sha256"));
            // A GET carries no body and no body framing.
            client.send(get(fixture.url() + "/plain")).get(30, TimeUnit.SECONDS);
            TestHttpsServer.Received plain = fixture.server().received.get(1);
            assertEquals(0, plain.body().length);
            assertEquals(null, plain.header("transfer-encoding"));
            assertTrue(IndependentSigV4Verifier.verify(plain, Map.of(ACCESS_KEY, SECRET_KEY))
                    .valid());
        }
    }

    @Test
    void closedClient_failsTheFuture_withTheSyncClientsWording() throws Exception {
        LatticeAsyncClient client = client().build();
        client.close();
        client.close();
        LatticeClientException e =
                assertInstanceOf(LatticeClientException.class, failure(client.send(get(fixture.url()))));
        assertEquals(0, e.attempts());
        assertEquals("GET " + fixture.url() + "/ was not sent: this LatticeAsyncClient is closed", e.getMessage());
        assertThrows(NullPointerException.class, () -> client.send((LatticeRequest) null));

        LatticeClient sync = syncClient().build();
        sync.close();
        LatticeClientException fromSync =
                assertThrows(LatticeClientException.class, () -> sync.send(get(fixture.url())));
        assertEquals(fromSync.getMessage().replace("LatticeClient", "LatticeAsyncClient"), e.getMessage());
    }

    @Test
    void signedRequestToPlainHttp_isRefusedBeforeAnythingIsSent() throws Exception {
        try (LatticeAsyncClient client = client().build()) {
            LatticeClientException e =
                    assertInstanceOf(LatticeClientException.class, failure(client.send(get("http://127.0.0.1:1/"))));
            assertEquals(0, e.attempts());
            assertTrue(e.getMessage().contains("a SIGV4-signed request must use https"), e::getMessage);
        }
    }

    @Test
    void callTimeout_abortsAStalledResponse_withTheSyncClientsWording() throws Exception {
        fixture.server().handler = (exchange, request) -> {
            fixture.server().closing.await(30, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        // Long enough that the attempt has surely started when it fires, even on a loaded machine.
        LatticeRequest request = get(fixture.url() + "/stalled").toBuilder()
                .callTimeout(Duration.ofSeconds(2))
                .build();
        try (LatticeAsyncClient client = client().build();
                LatticeClient sync = syncClient().build()) {
            LatticeCallTimeoutException e =
                    assertInstanceOf(LatticeCallTimeoutException.class, failure(client.send(request)));
            LatticeCallTimeoutException fromSync =
                    assertThrows(LatticeCallTimeoutException.class, () -> sync.send(request));
            assertEquals(fromSync.getMessage(), e.getMessage());
            assertEquals(
                    "Call timeout of 2000 ms expired for GET " + fixture.url() + "/stalled after 1 attempt(s)",
                    e.getMessage());
            assertEquals(1, e.attempts());
        }
    }

    @Test
    void connectionRefused_isRetriedEvenForPost_becauseNothingWasSent() throws Exception {
        int closedPort = ClosedPort.port();
        LatticeRequest post = LatticeRequest.builder()
                .method("POST")
                .url("https://127.0.0.1:" + closedPort)
                .body("x")
                .build();
        try (LatticeAsyncClient client = client().maxAttempts(2).build();
                LatticeClient sync = syncClient().maxAttempts(2).build()) {
            LatticeClientException e = assertInstanceOf(LatticeClientException.class, failure(client.send(post)));
            assertFalse(e instanceof LatticeCallTimeoutException);
            assertEquals(2, e.attempts());
            assertInstanceOf(java.net.ConnectException.class, e.getCause());
            LatticeClientException fromSync = assertThrows(LatticeClientException.class, () -> sync.send(post));
            String words = "POST https://127.0.0.1:" + closedPort + "/ got no response after 2 attempt(s)";
            assertTrue(e.getMessage().startsWith(words), e::getMessage);
            assertTrue(fromSync.getMessage().startsWith(words), fromSync::getMessage);
        }
    }

    @Test
    void connectionResetAfterTheRequest_isRetriedForGet_notForPost() throws Exception {
        try (RawTlsServer resetting = RawTlsServer.start(socket -> {
                    RawTlsServer.readRequestHead(socket);
                    socket.setSoLinger(true, 0);
                });
                LatticeAsyncClient client = client().maxAttempts(3).build()) {
            String url = resetting.url() + "/reset";
            LatticeClientException get = assertInstanceOf(LatticeClientException.class, failure(client.send(get(url))));
            assertEquals(3, get.attempts());
            assertInstanceOf(IOException.class, get.getCause());
            assertTrue(
                    get.getMessage().startsWith("GET " + url + " got no response after 3 attempt(s)"), get::getMessage);

            LatticeClientException post = assertInstanceOf(
                    LatticeClientException.class,
                    failure(client.send(LatticeRequest.builder()
                            .method("POST")
                            .url(url)
                            .body("x")
                            .build())));
            assertEquals(1, post.attempts(), "the POST may have reached the service, so it is not repeated");
        }
    }

    @Test
    void untrustedServer_isACertificateError_thatIsNotRetried() throws Exception {
        try (LatticeAsyncClient client = LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .maxAttempts(3)
                .tracing(false)
                .build()) {
            LatticeClientException e =
                    assertInstanceOf(LatticeClientException.class, failure(client.send(get(fixture.url()))));
            assertEquals(1, e.attempts(), e::getMessage);
            assertTrue(e.getMessage().contains("failed with an error that retrying cannot fix"), e::getMessage);
        }
    }

    @Test
    void responseBodyOverTheLimit_failsNamingTheLimit_andOneAtTheLimitIsRead() throws Exception {
        String body = "x".repeat(1001);
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(exchange, 200, body);
        try (LatticeAsyncClient tooSmall = client().maxResponseBodySize(1000).build();
                LatticeAsyncClient exact = client().maxResponseBodySize(1001).build()) {
            LatticeClientException e =
                    assertInstanceOf(LatticeClientException.class, failure(tooSmall.send(get(fixture.url()))));
            assertTrue(
                    e.getMessage()
                            .contains("maximum response body size of 1000 bytes"
                                    + " (LatticeAsyncClient.Builder.maxResponseBodySize)"),
                    e::getMessage);
            assertEquals(1, e.attempts());
            assertEquals(
                    body,
                    exact.send(get(fixture.url())).get(30, TimeUnit.SECONDS).bodyAsString());
        }
    }

    @Test
    void retryAfter_isWaitedFor_asAScheduledRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        fixture.server().handler = (exchange, request) -> {
            if (calls.getAndIncrement() == 0) {
                TestHttpsServer.respond(exchange, 429, Map.of("Retry-After", "1"), "slow down");
            } else {
                TestHttpsServer.respond(exchange, 200, "ok");
            }
        };
        try (LatticeAsyncClient client = client().maxAttempts(2).build()) {
            LatticeResponse response = client.send(get(fixture.url())).get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals(2, response.attempts());
        }
        long gapMillis =
                TimeUnit.NANOSECONDS.toMillis(fixture.server().received.get(1).arrivalNanos()
                        - fixture.server().received.get(0).arrivalNanos());
        assertTrue(gapMillis >= 950, "second attempt came after " + gapMillis + " ms");
    }

    @Test
    void cancellingDuringTheBackoff_cancelsTheScheduledRetry() throws Exception {
        // GIVEN a 503 asking for a one-second pause, and a client whose retries start on the timer thread itself
        CountDownLatch answered = new CountDownLatch(1);
        fixture.server().handler = (exchange, request) -> {
            TestHttpsServer.respond(exchange, 503, Map.of("Retry-After", "1"), "busy");
            answered.countDown();
        };
        AtomicInteger executions = new AtomicInteger();
        try (SdkAsyncHttpClient netty = NettyNioAsyncHttpClient.builder()
                        .tlsTrustManagersProvider(() -> TestTls.INSTANCE.trustManagers)
                        .build();
                LatticeAsyncClient client = LatticeAsyncClient.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(CREDENTIALS)
                        .tracing(false)
                        .maxAttempts(2)
                        .backoffBase(Duration.ofMillis(5))
                        .backoffMax(Duration.ofMillis(5))
                        .httpClient(counting(netty, executions))
                        .futureCompletionExecutor(Runnable::run)
                        .build()) {
            CompletableFuture<LatticeResponse> call = client.send(get(fixture.url()));
            assertTrue(answered.await(30, TimeUnit.SECONDS));

            // WHEN the caller cancels while the retry waits
            call.cancel(true);

            // THEN once the shared timer has run everything due within 1.5 s from now (a retry would have been due by
            // then and would have called the HTTP client on the timer thread), no second attempt was started
            CountDownLatch timerPassed = new CountDownLatch(1);
            DeadlineTimer.shared()
                    .schedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500), timerPassed::countDown);
            assertTrue(timerPassed.await(30, TimeUnit.SECONDS));
            assertEquals(1, executions.get());
            assertTrue(call.isCancelled());
        }
        assertEquals(1, fixture.server().received.size());
    }

    /** An async HTTP client that counts the exchanges started on it. */
    private static SdkAsyncHttpClient counting(SdkAsyncHttpClient delegate, AtomicInteger executions) {
        return new SdkAsyncHttpClient() {
            @Override
            public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
                executions.incrementAndGet();
                return delegate.execute(request);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void theFuture_isCompletedOnTheCompletionExecutor_neverOnAnIoThread() throws Exception {
        // The server answers only once the stage is chained, so the stage runs where the future is completed.
        CountDownLatch chained = new CountDownLatch(1);
        fixture.server().handler = (exchange, request) -> {
            chained.await(30, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "ok");
        };
        try (LatticeAsyncClient client = client().build()) {
            CompletableFuture<String> thread = client.send(get(fixture.url()))
                    .thenApply(r -> Thread.currentThread().getName());
            chained.countDown();
            assertTrue(thread.get(30, TimeUnit.SECONDS).startsWith("lattice-async-completion-"), thread::join);
        }
        CountDownLatch chainedAgain = new CountDownLatch(1);
        fixture.server().handler = (exchange, request) -> {
            chainedAgain.await(30, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "ok");
        };
        AtomicInteger handed = new AtomicInteger();
        AtomicReference<String> ran = new AtomicReference<>();
        Executor mine = task -> {
            handed.incrementAndGet();
            Thread t = new Thread(task, "caller-executor");
            t.start();
        };
        try (LatticeAsyncClient client = client().futureCompletionExecutor(mine).build()) {
            CompletableFuture<Void> stage = client.send(get(fixture.url()))
                    .thenAccept(r -> ran.set(Thread.currentThread().getName()));
            chainedAgain.countDown();
            stage.get(30, TimeUnit.SECONDS);
            assertEquals("caller-executor", ran.get());
            assertEquals(1, handed.get());
        }
    }

    @Test
    void httpClient_withTimeoutsOrTrust_isRefused_inTheSyncBuildersWords() {
        try (SdkAsyncHttpClient netty = NettyNioAsyncHttpClient.create()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> LatticeAsyncClient.builder()
                            .region(Region.US_EAST_1)
                            .httpClient(netty)
                            .readTimeout(Duration.ofSeconds(1))
                            .trustedCertificates(TestTls.INSTANCE.certificate)
                            .build());
            IllegalArgumentException fromSync = assertThrows(
                    IllegalArgumentException.class,
                    () -> LatticeClient.builder()
                            .region(Region.US_EAST_1)
                            .httpClient(fixture.http())
                            .readTimeout(Duration.ofSeconds(1))
                            .trustedCertificates(TestTls.INSTANCE.certificate)
                            .build());
            assertEquals(fromSync.getMessage(), e.getMessage());
            assertTrue(
                    e.getMessage()
                            .startsWith("The httpClient and readTimeout, trustedCertificates can't both be"
                                    + " configured"),
                    e::getMessage);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LatticeAsyncClient.builder()
                            .region(Region.US_EAST_1)
                            .httpClient(netty)
                            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                            .build());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LatticeAsyncClient.builder()
                            .region(Region.US_EAST_1)
                            .httpClient(netty)
                            .connectTimeout(Duration.ofSeconds(1))
                            .build());
        }
    }

    @Test
    void crtHttpClientBuilder_withTrust_isRefused_becauseTheCrtCannotUseJavaTrust() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LatticeAsyncClient.builder()
                        .region(Region.US_EAST_1)
                        .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                        .trustManagers(TestTls.INSTANCE.trustManagers)
                        .build());
        assertTrue(
                e.getMessage().startsWith("The AWS CRT HTTP client (")
                        && e.getMessage().contains(") and trustManagers can't both be configured"),
                e::getMessage);
        // Without trust settings the CRT client is accepted.
        try (LatticeAsyncClient crt = LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                .build()) {
            assertNotNull(crt);
        }
    }

    /** Sync builder settings that mean nothing to the async client; empty: every one applies. */
    /** Service discovery looks the service up through a sync HTTP client at build(): the sync client's alone. */
    private static final java.util.Set<String> SYNC_ONLY_SETTINGS =
            java.util.Set.of("service", "servicePort", "serviceDiscoveryEndpoint");

    @Test
    void theBuilder_offersTheSyncBuildersSettings() {
        // Every setting of the sync builder exists on the async one, with the async HTTP client types: a setting added
        // to one builder alone fails here until the other has it or it is listed in SYNC_ONLY_SETTINGS.
        List<String> missing = new java.util.ArrayList<>();
        for (java.lang.reflect.Method m : LatticeClient.Builder.class.getMethods()) {
            if (SYNC_ONLY_SETTINGS.contains(m.getName())) {
                continue;
            }
            Class<?>[] types = m.getParameterTypes().clone();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == SdkHttpClient.class) {
                    types[i] = SdkAsyncHttpClient.class;
                } else if (types[i] == SdkHttpClient.Builder.class) {
                    types[i] = SdkAsyncHttpClient.Builder.class;
                }
            }
            try {
                LatticeAsyncClient.Builder.class.getMethod(m.getName(), types);
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertEquals(List.of(), missing);
    }
}
