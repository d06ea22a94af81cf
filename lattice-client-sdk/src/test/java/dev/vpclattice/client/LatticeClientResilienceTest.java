package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/** Retries, timeouts, resets, error mapping and concurrency against real loopback servers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientResilienceTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    static final String ACCESS_KEY = "AKIDRESILIENCE000001";
    static final String SECRET_KEY = "resilience-secret-key-00000000000000000";
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private static LatticeClient.Builder client() {
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

    @Test
    void get_on503_isRetriedUpToMaxAttempts_andEveryAttemptIsSigned() {
        // GIVEN a service that is always unavailable and credentials that rotate per resolution
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(exchange, 503, "busy");
        AtomicInteger resolutions = new AtomicInteger();
        AwsCredentialsProvider rotating =
                () -> AwsBasicCredentials.create("AKIDATTEMPT" + resolutions.incrementAndGet(), SECRET_KEY);
        try (LatticeClient client =
                client().credentialsProvider(rotating).maxAttempts(3).build()) {
            // WHEN a GET is sent
            LatticeResponse response = client.send(get(fixture.url() + "/retry"));

            // THEN three attempts arrived, each signed on its own with a valid signature, with the cached identity
            assertEquals(503, response.statusCode());
            assertEquals(3, response.attempts());
            assertEquals(3, fixture.server().received.size());
            Map<String, String> secrets = Map.of("AKIDATTEMPT1", SECRET_KEY);
            List<String> keys = fixture.server().received.stream()
                    .map(r -> IndependentSigV4Verifier.verify(r, secrets))
                    .peek(r -> assertTrue(r.valid()))
                    .map(IndependentSigV4Verifier.Result::accessKeyId)
                    .toList();
            assertEquals(List.of("AKIDATTEMPT1", "AKIDATTEMPT1", "AKIDATTEMPT1"), keys);
            assertEquals(1, resolutions.get(), "an identity without expiration is cached, not resolved per attempt");
        }
    }

    @Test
    void retry_stopsAtTheFirstSuccess_andCoversTheRetryableStatuses() {
        AtomicInteger calls = new AtomicInteger();
        int[] statuses = {429, 502, 504, 200};
        fixture.server().handler = (exchange, request) ->
                TestHttpsServer.respond(exchange, statuses[calls.getAndIncrement()], "answer " + calls.get());
        try (LatticeClient client = client().maxAttempts(5).build()) {
            LatticeResponse response = client.send(get(fixture.url()));
            assertEquals(200, response.statusCode());
            assertEquals(4, response.attempts());
            assertEquals("answer 4", response.bodyAsString());
        }
    }

    @Test
    void post_on503_isNotRetriedByDefault_butIsWhenTheCallerOptsIn() {
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(exchange, 503, "busy");
        try (LatticeClient client = client().maxAttempts(3).build()) {
            LatticeRequest post = LatticeRequest.builder()
                    .method("POST")
                    .url(fixture.url())
                    .body("order")
                    .build();
            assertEquals(1, client.send(post).attempts());
            assertEquals(1, fixture.server().received.size());

            fixture.server().received.clear();
            assertEquals(
                    3, client.send(post.toBuilder().retryable(true).build()).attempts());
            assertEquals(3, fixture.server().received.size());
            assertTrue(
                    fixture.server().received.stream()
                            .allMatch(r -> r.bodyText().equals("order")),
                    "body resent intact");
        }
    }

    @Test
    void nonRetryableStatuses_areReturnedAfterOneAttempt() {
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(exchange, 500, "boom");
        try (LatticeClient client = client().maxAttempts(3).build()) {
            assertEquals(1, client.send(get(fixture.url())).attempts());
        }
    }

    @Test
    void retryAfter_isHonoured_beforeTheNextAttempt() {
        // GIVEN a throttled first answer asking for a one-second pause, with backoff far shorter than that
        AtomicInteger calls = new AtomicInteger();
        fixture.server().handler = (exchange, request) -> {
            if (calls.getAndIncrement() == 0) {
                TestHttpsServer.respond(exchange, 429, Map.of("Retry-After", "1"), "slow down");
            } else {
                TestHttpsServer.respond(exchange, 200, "ok");
            }
        };
        try (LatticeClient client = client().maxAttempts(2).build()) {
            assertEquals(200, client.send(get(fixture.url())).statusCode());
        }
        // THEN the second attempt arrived no earlier than the server asked
        long gapMillis =
                TimeUnit.NANOSECONDS.toMillis(fixture.server().received.get(1).arrivalNanos()
                        - fixture.server().received.get(0).arrivalNanos());
        assertTrue(gapMillis >= 950, "second attempt came after " + gapMillis + " ms");
    }

    @Test
    void callTimeout_boundsAllAttemptsIncludingBackoff() {
        // GIVEN a server that always asks for a 1 s pause, and a client allowing 10 attempts but only 1.5 s per call
        fixture.server().handler =
                (exchange, request) -> TestHttpsServer.respond(exchange, 503, Map.of("Retry-After", "1"), "busy");
        try (LatticeClient client =
                client().maxAttempts(10).callTimeout(Duration.ofMillis(1500)).build()) {
            LatticeResponse response =
                    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> client.send(get(fixture.url())));
            // THEN it stops retrying when the next wait would pass the deadline and returns the last answer
            assertEquals(503, response.statusCode());
            assertTrue(response.attempts() <= 2, "attempts: " + response.attempts());
        }
    }

    @Test
    void callTimeout_coversASlowCredentialsProvider() {
        AwsCredentialsProvider slow = () -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CREDENTIALS.resolveCredentials();
        };
        try (LatticeClient client = client().credentialsProvider(slow)
                .callTimeout(Duration.ofMillis(300))
                .build()) {
            LatticeCallTimeoutException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(3),
                    () -> assertThrows(LatticeCallTimeoutException.class, () -> client.send(get(fixture.url()))));
            assertEquals(Duration.ofMillis(300), e.callTimeout());
            assertTrue(e.getMessage().contains("while resolving AWS credentials"), e::getMessage);
            assertEquals(0, e.attempts());
            assertEquals(0, fixture.server().received.size(), "nothing may be sent after the deadline");
        }
    }

    @Test
    void callTimeout_abortsAStalledResponse() {
        fixture.server().handler = (exchange, request) -> {
            fixture.server().closing.await(5, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        try (LatticeClient client =
                client().maxAttempts(3).callTimeout(Duration.ofMillis(500)).build()) {
            LatticeCallTimeoutException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(4),
                    () -> assertThrows(LatticeCallTimeoutException.class, () -> client.send(get(fixture.url()))));
            assertEquals(1, e.attempts());
            assertTrue(
                    e.getMessage().contains("500 ms") && e.getMessage().contains("GET https://127.0.0.1:"),
                    e.getMessage());
        }
    }

    @Test
    void requestCallTimeout_replacesTheClientsForThatCallOnly() {
        fixture.server().handler = (exchange, request) -> {
            fixture.server().closing.await(5, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        try (LatticeClient client =
                client().maxAttempts(1).callTimeout(Duration.ofSeconds(30)).build()) {
            LatticeRequest bounded = LatticeRequest.builder()
                    .url(fixture.url())
                    .callTimeout(Duration.ofMillis(400))
                    .build();

            LatticeCallTimeoutException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(4),
                    () -> assertThrows(LatticeCallTimeoutException.class, () -> client.send(bounded)));

            assertTrue(e.getMessage().contains("400 ms"), e.getMessage());
            assertEquals(
                    Duration.ofMillis(400),
                    bounded.toBuilder().build().callTimeout().orElseThrow());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LatticeRequest.builder().callTimeout(Duration.ZERO));
        }
    }

    @Test
    void readTimeout_failsTheAttemptWithItsCause() {
        fixture.server().handler = (exchange, request) -> {
            fixture.server().closing.await(5, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        try (SdkHttpClient impatient = TestTls.trustingClientBuilder()
                        .socketTimeout(Duration.ofMillis(300))
                        .build();
                LatticeClient client =
                        client().httpClient(impatient).maxAttempts(1).build()) {
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> client.send(get(fixture.url())));
            assertFalse(e instanceof LatticeCallTimeoutException);
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
        }
    }

    @Test
    void connectionResetAfterTheRequest_isRetriedForGet_notForPost_andKeepsItsCause() throws Exception {
        // GIVEN a TLS server that reads each request and then resets the connection instead of answering
        try (RawTlsServer resetting = RawTlsServer.start(socket -> {
            RawTlsServer.readRequestHead(socket);
            socket.setSoLinger(true, 0);
        })) {
            String url = resetting.url() + "/reset";
            try (LatticeClient client = client().maxAttempts(3).build()) {
                LatticeClientException get = assertThrows(LatticeClientException.class, () -> client.send(get(url)));
                assertEquals(3, get.attempts());
                assertEquals(3, resetting.requests());
                assertInstanceOf(IOException.class, get.getCause());
                assertTrue(
                        get.getMessage().startsWith("GET " + url + " got no response after 3 attempt(s)"),
                        get.getMessage());

                // The POST may have reached the service, so it is not repeated.
                LatticeClientException post = assertThrows(
                        LatticeClientException.class,
                        () -> client.send(LatticeRequest.builder()
                                .method("POST")
                                .url(url)
                                .body("x")
                                .build()));
                assertEquals(1, post.attempts());
                assertEquals(4, resetting.requests());
            }
        }
    }

    @Test
    void anAnswerThatIsNotHttp_failsAtOnce_andIsNotRetried() throws Exception {
        // GIVEN a TLS server that answers a GET with lines of garbage instead of a status line, and keeps the
        // connection open. Apache HttpClient 5 (LenientHttpResponseParser) skips up to 10 such lines, then gives up.
        try (RawTlsServer garbage = RawTlsServer.start(socket -> {
                    RawTlsServer.readRequestHead(socket);
                    socket.getOutputStream()
                            .write("SSH-2.0-OpenSSH_9.2 not http\r\n".repeat(12).getBytes());
                    socket.getOutputStream().flush();
                    Thread.sleep(5_000);
                });
                LatticeClient client = client().httpClient(TestTls.trustingClient())
                        .maxAttempts(3)
                        .build()) {
            long start = System.nanoTime();
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> client.send(get(garbage.url())));
            // THEN the call fails on the first attempt, long before the 10 s read timeout, naming what happened
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "failed fast");
            assertEquals(1, e.attempts());
            assertTrue(e.getMessage().contains("was answered with something that is not valid HTTP"), e::getMessage);
            assertEquals(
                    "org.apache.hc.core5.http.MessageConstraintException",
                    e.getCause().getClass().getName());
        }
    }

    @Test
    void oneGarbageLineThenSilence_waitsForTheReadTimeout_aKnownLimitOfApache5() throws Exception {
        // Apache HttpClient 5 skips a non-HTTP line and waits for a status line; the SDK's Apache5HttpClient builder
        // offers no way to make its response parser strict. The read timeout (and the call timeout) bound the wait.
        try (RawTlsServer garbage = RawTlsServer.start(socket -> {
                    RawTlsServer.readRequestHead(socket);
                    socket.getOutputStream().write("HTTP/1.1 abc OK\r\n".getBytes());
                    socket.getOutputStream().flush();
                    Thread.sleep(5_000);
                });
                SdkHttpClient impatient = TestTls.trustingClientBuilder()
                        .socketTimeout(Duration.ofMillis(500))
                        .build();
                LatticeClient client =
                        client().httpClient(impatient).maxAttempts(1).build()) {
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> client.send(get(garbage.url())));
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
        }
    }

    @Test
    void connectionRefused_isRetriedForEveryMethod_becauseNothingWasSent() throws Exception {
        int closedPort = ClosedPort.port();
        try (LatticeClient client = client().maxAttempts(2).build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class, () -> client.send(get("https://127.0.0.1:" + closedPort)));
            assertEquals(2, e.attempts());
            assertTrue(e.getCause() instanceof java.net.ConnectException, String.valueOf(e.getCause()));

            // Nothing was sent, so a POST is retried as well.
            LatticeClientException post = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .method("POST")
                            .url("https://127.0.0.1:" + closedPort)
                            .body("x")
                            .build()));
            assertEquals(2, post.attempts());
            assertTrue(
                    post.getMessage().startsWith("POST https://127.0.0.1:" + closedPort + "/ got no response after 2"),
                    post::getMessage);
        }
    }

    @Test
    void lattice403_mapsToAccessDeniedException() {
        String denial =
                "AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke on"
                        + " resource: arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123/orders because no"
                        + " service-based policy allows the vpc-lattice-svcs:Invoke action";
        fixture.server().handler = (exchange, request) ->
                TestHttpsServer.respond(exchange, 403, Map.of("Content-Type", "text/plain"), denial);
        try (LatticeClient client = client().build()) {
            LatticeResponse response = client.send(get(fixture.url() + "/orders"));
            assertEquals(1, response.attempts());
            LatticeServiceException e = assertThrows(LatticeServiceException.class, response::ensureSuccess);
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().startsWith("User: anonymous is not authorized"), e.errorMessage());
            assertTrue(
                    e.getMessage().equals("HTTP 403 AccessDeniedException from GET " + fixture.url() + "/orders"),
                    e.getMessage());
            assertInstanceOf(LatticeException.class, e, "one root for everything the library throws");
            assertEquals(response, e.response());
        }
    }

    @Test
    void concurrentCalls_shareOneClient_andReturnEveryConnectionToThePool() throws Exception {
        // GIVEN a pool of 4 connections with a short acquisition timeout: a leaked connection would starve it
        fixture.server().handler = (exchange, request) -> {
            String id = request.header("x-request-id");
            int status = Integer.parseInt(id) % 5 == 0 ? 503 : 200;
            TestHttpsServer.respond(exchange, status, "reply-" + id);
        };
        int threads = 16;
        int perThread = 25;
        try (SdkHttpClient pooled = TestTls.trustingClientBuilder()
                        .maxConnections(4)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(10))
                        .build();
                LatticeClient client =
                        client().httpClient(pooled).maxAttempts(1).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<String>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        List<String> mismatches = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            String id = Integer.toString(thread * perThread + i);
                            LatticeResponse r = client.send(LatticeRequest.builder()
                                    .url(fixture.url())
                                    .header("x-request-id", id)
                                    .build());
                            if (!r.bodyAsString().equals("reply-" + id)) {
                                mismatches.add(id + " got " + r.bodyAsString());
                            }
                        }
                        return mismatches;
                    }));
                }
                for (Future<List<String>> f : futures) {
                    assertEquals(List.of(), f.get(45, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        // THEN every request arrived, over at most 4 kept-alive connections
        assertEquals(threads * perThread, fixture.server().received.size());
        Set<Integer> connections = new HashSet<>();
        fixture.server().received.forEach(r -> connections.add(r.clientPort()));
        assertTrue(connections.size() <= 4, "connections used: " + connections.size());
        assertTrue(
                fixture.server().received.stream()
                        .allMatch(r -> IndependentSigV4Verifier.verify(r, Map.of(ACCESS_KEY, SECRET_KEY))
                                .valid()),
                "every concurrent request is validly signed");
    }

    /** An HTTP client whose every call fails with the given exception, counting the calls. */
    private static SdkHttpClient failingWith(
            AtomicInteger calls, java.util.function.Supplier<RuntimeException> failure) {
        return new SdkHttpClient() {
            @Override
            public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
                    software.amazon.awssdk.http.HttpExecuteRequest request) {
                return new software.amazon.awssdk.http.ExecutableHttpRequest() {
                    @Override
                    public software.amazon.awssdk.http.HttpExecuteResponse call() {
                        calls.incrementAndGet();
                        throw failure.get();
                    }

                    @Override
                    public void abort() {}
                };
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void programmingErrorOfTheHttpClient_isWrappedButNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        try (LatticeClient client = client().maxAttempts(3)
                .httpClient(failingWith(calls, () -> new IllegalStateException("Connection pool shut down")))
                .build()) {
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> client.send(get("https://svc.example/")));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("Connection pool shut down", e.getCause().getMessage());
            assertTrue(e.getMessage().startsWith("GET https://svc.example/ failed in the HTTP client"), e::getMessage);
            assertEquals(1, calls.get(), "a programming error must not be retried");
        }
    }

    @Test
    void uncheckedIoFailureOfTheHttpClient_isRetriedAsATransportFailure() {
        AtomicInteger calls = new AtomicInteger();
        try (LatticeClient client = client().maxAttempts(3)
                .httpClient(
                        failingWith(calls, () -> new java.io.UncheckedIOException(new IOException("connection reset"))))
                .build()) {
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> client.send(get("https://svc.example/")));
            assertEquals(3, calls.get());
            assertEquals(3, e.attempts());
            assertInstanceOf(IOException.class, e.getCause());
            assertFalse(e instanceof LatticeCallTimeoutException);
        }
    }

    @Test
    void givingUpBecauseTheNextBackoffWouldPassTheDeadline_isNotReportedAsATimeout() {
        // GIVEN a transport failure and a backoff of up to a day (full jitter: below 2 s with odds of 1 in 43,200)
        AtomicInteger calls = new AtomicInteger();
        try (LatticeClient client = client().maxAttempts(3)
                .backoffBase(Duration.ofDays(1))
                .backoffMax(Duration.ofDays(1))
                .callTimeout(Duration.ofSeconds(2))
                .httpClient(failingWith(calls, () -> new java.io.UncheckedIOException(new IOException("reset"))))
                .build()) {
            LatticeClientException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThrows(LatticeClientException.class, () -> client.send(get("https://svc.example/"))));
            // THEN the client gives up at once, honestly: the timeout never fired, the cause is the last failure
            assertFalse(e instanceof LatticeCallTimeoutException, e::getMessage);
            assertTrue(
                    e.getMessage().contains("giving up: the next retry would exceed the call timeout of 2000 ms"),
                    e::getMessage);
            assertEquals(1, calls.get());
            assertEquals(1, e.attempts());
            assertEquals("reset", e.getCause().getMessage());
        }
    }

    @Test
    void responseBodyOverTheLimit_failsNamingTheLimit_andOneAtTheLimitIsRead() {
        String body = "x".repeat(1001);
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(exchange, 200, body);
        try (LatticeClient tooSmall = client().maxResponseBodySize(1000).build();
                LatticeClient exact = client().maxResponseBodySize(1001).build()) {
            LatticeClientException e =
                    assertThrows(LatticeClientException.class, () -> tooSmall.send(get(fixture.url())));
            assertTrue(e.getMessage().contains("maximum response body size of 1000 bytes"), e::getMessage);
            assertEquals(1, e.attempts());
            assertFalse(e instanceof LatticeCallTimeoutException);
            assertEquals(body, exact.send(get(fixture.url())).bodyAsString());
        }
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> client().maxResponseBodySize(0));
        assertTrue(bad.getMessage().contains("got 0"), bad::getMessage);
    }

    @Test
    void closedClient_refusesToSend() {
        LatticeClient client = client().build();
        client.close();
        client.close();
        LatticeClientException e = assertThrows(LatticeClientException.class, () -> client.send(get(fixture.url())));
        assertEquals(0, e.attempts());
        assertTrue(
                e.getMessage().contains("closed") && e.getMessage().startsWith("GET " + fixture.url()), e::getMessage);
    }
}
