package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalLattice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The async client against the project's local VPC Lattice under AWS_IAM: every request's SigV4 signature is verified
 * server-side from the bytes on the wire and the auth policy is applied, so an accepted request proves its signing.
 * Connection leaks are proven with a pool of two connections: after two exchanges were aborted (timeout or cancel)
 * while the target still holds them, two more calls on the same client must succeed.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LatticeAsyncClientLocalLatticeTest {
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/client-function-role/client-function";
    static final String ALICE_KEY = "ASIALOCALLATTICE0001";
    static final String ALICE_SECRET = "local-lattice-alice-secret-000000000000";
    static final String ALICE_TOKEN = "local-lattice-alice-session-token-IQoJ";
    static final String MALLORY = "arn:aws:iam::123456789012:user/mallory";
    static final String MALLORY_KEY = "AKIALOCALLATTICE0002";
    static final String MALLORY_SECRET = "local-lattice-mallory-secret-0000000000";

    static LocalLattice lattice;
    static final List<VpcLatticeV2Request> events = new CopyOnWriteArrayList<>();
    /** What the target does with the next requests; by default it echoes. */
    static volatile Target target;

    interface Target {
        VpcLatticeV2Response answer(VpcLatticeV2Request event) throws Exception;
    }

    @BeforeAll
    static void start() {
        lattice = LocalLattice.builder()
                .region("eu-central-1")
                .sessionCredential(ALICE_KEY, ALICE_SECRET, ALICE_TOKEN, ALICE)
                .credential(MALLORY_KEY, MALLORY_SECRET, MALLORY)
                .allow(ALICE)
                .target(event -> {
                    events.add(event);
                    try {
                        return target.answer(event);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .build();
    }

    @AfterAll
    static void stop() {
        if (lattice != null) {
            lattice.close();
        }
    }

    @BeforeEach
    void reset() {
        events.clear();
        target = LatticeAsyncClientLocalLatticeTest::echo;
    }

    /** Answers with what it received: method, path and body, so a response can be matched to its request. */
    static VpcLatticeV2Response echo(VpcLatticeV2Request event) {
        return VpcLatticeV2Response.builder()
                .statusCode(200)
                .header("content-type", "text/plain")
                .body(event.getMethod() + " " + event.getPath() + " "
                        + new String(event.decodeBody(), StandardCharsets.UTF_8))
                .build();
    }

    static AwsCredentialsProvider alice() {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(ALICE_KEY, ALICE_SECRET, ALICE_TOKEN));
    }

    static LatticeAsyncClient.Builder client(AwsCredentialsProvider credentials) {
        return LatticeAsyncClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(credentials)
                .trustedCertificates(lattice.certificate().x509())
                .tracing(false);
    }

    /** A client whose Netty pool holds at most two connections, with the library's trust and timeouts. */
    static LatticeAsyncClient poolOfTwo() {
        return client(alice())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(2))
                .build();
    }

    static LatticeRequest get(String path) {
        return LatticeRequest.builder().url(lattice.endpoint()).path(path).build();
    }

    @Test
    void sixtyFourConcurrentCalls_fromOneThread_areEachAnsweredWithTheirOwnResponse() throws Exception {
        // GIVEN a target that holds the first 8 requests until 8 are in flight at once, then echoes
        CountDownLatch eightInFlight = new CountDownLatch(8);
        AtomicInteger arrivals = new AtomicInteger();
        AtomicInteger heldTogether = new AtomicInteger();
        target = event -> {
            if (arrivals.incrementAndGet() <= 8) {
                eightInFlight.countDown();
                if (eightInFlight.await(45, TimeUnit.SECONDS)) {
                    heldTogether.incrementAndGet();
                }
            }
            return echo(event);
        };
        try (LatticeAsyncClient client = client(alice()).build()) {
            // WHEN one thread sends 64 signed POSTs, each with its own path and body
            List<LatticeRequest> requests = new ArrayList<>();
            List<CompletableFuture<LatticeResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                LatticeRequest request = LatticeRequest.builder()
                        .method("POST")
                        .url(lattice.endpoint())
                        .path("/orders/" + i)
                        .jsonBody(Map.of("order", i))
                        .build();
                requests.add(request);
                futures.add(client.send(request));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                    .get(60, TimeUnit.SECONDS);

            // THEN 8 were at the target at the same time (the sending thread never waited for an answer), every
            // signature was accepted, and each response answers its own request
            assertEquals(8, heldTogether.get(), "8 requests should have been at the target at once");
            for (int i = 0; i < 64; i++) {
                LatticeResponse response = futures.get(i).join();
                assertEquals(200, response.statusCode(), response::bodyAsString);
                assertEquals("POST /orders/" + i + " {\"order\":" + i + "}", response.bodyAsString());
                assertSame(requests.get(i), response.request().orElseThrow());
                assertEquals(1, response.attempts());
            }
            Set<String> paths = new HashSet<>();
            events.forEach(e -> paths.add(e.getPath()));
            assertEquals(64, paths.size());
            assertTrue(events.stream()
                    .allMatch(e ->
                            ALICE.equals(e.getRequestContext().getIdentity().getPrincipal())));
        }
    }

    @Test
    void authenticatedButNotAllowedPrincipal_getsA403_mappedAsTheSyncClientMapsIt() {
        LatticeRequest request = get("/orders");
        AwsCredentialsProvider mallory =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(MALLORY_KEY, MALLORY_SECRET));
        try (LatticeAsyncClient async = client(mallory).build();
                LatticeClient sync = LatticeClient.builder()
                        .region(Region.EU_CENTRAL_1)
                        .credentialsProvider(mallory)
                        .trustedCertificates(lattice.certificate().x509())
                        .tracing(false)
                        .build()) {
            // WHEN the same denied request is sent by both clients and checked with ensureSuccess
            CompletionException wrapped = assertThrows(
                    CompletionException.class,
                    () -> async.send(request)
                            .thenApply(LatticeResponse::ensureSuccess)
                            .join());
            LatticeServiceException fromSync = assertThrows(
                    LatticeServiceException.class, () -> sync.send(request).ensureSuccess());

            // THEN join() wraps the same LatticeServiceException, with the same status, code and message
            LatticeServiceException e = assertInstanceOf(LatticeServiceException.class, wrapped.getCause());
            assertEquals(403, e.statusCode());
            assertEquals("AccessDeniedException", e.errorCode());
            assertTrue(e.errorMessage().contains(MALLORY), e.errorMessage());
            assertEquals(fromSync.getMessage(), e.getMessage());
            assertEquals(1, e.response().attempts(), "a 403 is not retried");
        }
        assertTrue(events.isEmpty(), "a denied request must not reach the target");
    }

    @Test
    void get_on503_isRetriedWithBackoff_signedAgainEachTime_untilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        target = event -> calls.incrementAndGet() <= 2
                ? VpcLatticeV2Response.builder().statusCode(503).body("busy").build()
                : echo(event);
        try (LatticeAsyncClient client = client(alice())
                .maxAttempts(3)
                .backoffBase(Duration.ofMillis(20))
                .backoffMax(Duration.ofMillis(200))
                .build()) {
            LatticeResponse response = client.send(get("/retried")).join();

            // THEN the third attempt answered; LocalLattice verified all three signatures (a bad one is a 403)
            assertEquals(200, response.statusCode(), response::bodyAsString);
            assertEquals(3, response.attempts());
            assertEquals("GET /retried ", response.bodyAsString());
            assertEquals(3, events.size());
        }
    }

    @Test
    void post_on503_isNotRetried_unlessTheCallerSaysItIsRetryable() {
        target = event ->
                VpcLatticeV2Response.builder().statusCode(503).body("busy").build();
        try (LatticeAsyncClient client = client(alice())
                .maxAttempts(3)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(20))
                .build()) {
            LatticeRequest post = LatticeRequest.builder()
                    .method("POST")
                    .url(lattice.endpoint())
                    .path("/orders")
                    .jsonBody(Map.of("order", 1))
                    .build();
            assertEquals(1, client.send(post).join().attempts());
            assertEquals(
                    3,
                    client.send(post.toBuilder().retryable(true).build()).join().attempts());
            assertEquals(4, events.size());
        }
    }

    @Test
    void aPoolOfTwo_withTwoCallsHeldByTheTarget_cannotServeAThird() throws Exception {
        // The control for the leak tests below: a pool of two really bounds the client to two connections.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoHeld = new CountDownLatch(2);
        target = holding(twoHeld, release);
        try (LatticeAsyncClient client = poolOfTwo()) {
            CompletableFuture<LatticeResponse> first = client.send(get("/hold/1"));
            CompletableFuture<LatticeResponse> second = client.send(get("/hold/2"));
            assertTrue(twoHeld.await(30, TimeUnit.SECONDS), "both calls should reach the target");

            ExecutionException third = assertThrows(
                    ExecutionException.class,
                    () -> client.send(get("/third").toBuilder()
                                    .callTimeout(Duration.ofMillis(500))
                                    .build())
                            .get(30, TimeUnit.SECONDS));
            assertInstanceOf(LatticeCallTimeoutException.class, third.getCause());

            release.countDown();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, second.get(30, TimeUnit.SECONDS).statusCode());
        } finally {
            release.countDown();
        }
        assertFalse(
                events.stream().anyMatch(e -> e.getPath().startsWith("/third")),
                "the third call never got a connection");
    }

    @Test
    void callTimeout_abortsTheExchanges_andLeaksNoConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoHeld = new CountDownLatch(2);
        target = holding(twoHeld, release);
        try (LatticeAsyncClient client = poolOfTwo()) {
            // GIVEN two calls that the target holds past their call timeout
            List<CompletableFuture<LatticeResponse>> held = List.of(
                    client.send(get("/hold/1").toBuilder()
                            .callTimeout(Duration.ofSeconds(3))
                            .build()),
                    client.send(get("/hold/2").toBuilder()
                            .callTimeout(Duration.ofSeconds(3))
                            .build()));

            // WHEN their timeout fires, THEN they fail with the sync client's exception and wording
            for (CompletableFuture<LatticeResponse> call : held) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
                LatticeCallTimeoutException timeout = assertInstanceOf(LatticeCallTimeoutException.class, e.getCause());
                assertEquals(1, timeout.attempts());
                assertEquals(Duration.ofSeconds(3), timeout.callTimeout());
                assertTrue(
                        timeout.getMessage().startsWith("Call timeout of 3000 ms expired for GET https://")
                                && timeout.getMessage().contains("/hold/")
                                && timeout.getMessage().endsWith(" after 1 attempt(s)"),
                        timeout::getMessage);
            }

            // AND while the target still holds both exchanges, two more calls get connections from the pool of two
            assertEquals(1, release.getCount(), "the target has not answered the timed-out calls");
            assertTwoMoreCallsSucceed(client);
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancellingTheFuture_abortsTheExchange_andLeaksNoConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoHeld = new CountDownLatch(2);
        target = holding(twoHeld, release);
        try (LatticeAsyncClient client = poolOfTwo()) {
            // GIVEN two calls in flight, held by the target
            CompletableFuture<LatticeResponse> first = client.send(get("/hold/1"));
            CompletableFuture<LatticeResponse> second = client.send(get("/hold/2"));
            assertTrue(twoHeld.await(30, TimeUnit.SECONDS), "both calls should reach the target");

            // WHEN the caller cancels them
            assertTrue(first.cancel(true));
            assertTrue(second.cancel(false));

            // THEN they are cancelled, and two more calls get connections from the pool of two at once
            assertTrue(first.isCancelled() && second.isCancelled());
            assertThrows(CancellationException.class, first::join);
            assertEquals(1, release.getCount(), "the target has not answered the cancelled calls");
            assertTwoMoreCallsSucceed(client);
        } finally {
            release.countDown();
        }
    }

    private static void assertTwoMoreCallsSucceed(LatticeAsyncClient client) throws Exception {
        List<CompletableFuture<LatticeResponse>> next = List.of(
                client.send(get("/next/1").toBuilder()
                        .callTimeout(Duration.ofSeconds(20))
                        .build()),
                client.send(get("/next/2").toBuilder()
                        .callTimeout(Duration.ofSeconds(20))
                        .build()));
        for (CompletableFuture<LatticeResponse> call : next) {
            LatticeResponse response = call.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response::bodyAsString);
            assertEquals(1, response.attempts());
        }
    }

    /** A target that holds requests under {@code /hold} until released, counting them as they arrive. */
    private static Target holding(CountDownLatch held, CountDownLatch release) {
        return event -> {
            if (event.getPath().startsWith("/hold")) {
                held.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
            return echo(event);
        };
    }

    @Test
    void slowCredentialsProvider_blocksNoCaller_andIsBoundedByTheCallTimeout() throws Exception {
        // GIVEN a credentials provider that does not answer until the test lets it
        CountDownLatch provide = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        AwsCredentialsProvider slow = () -> {
            asked.countDown();
            try {
                provide.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return alice().resolveCredentials();
        };
        AtomicReference<CompletableFuture<LatticeResponse>> call = new AtomicReference<>();
        // A timeout long enough that the call is surely waiting for the provider when it fires, even on a loaded
        // machine.
        try (LatticeAsyncClient client =
                client(slow).callTimeout(Duration.ofSeconds(3)).build()) {
            // WHEN a call is sent, THEN send returns although the provider has not answered
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> call.set(client.send(get("/slow"))));
            assertTrue(asked.await(30, TimeUnit.SECONDS), "the provider was asked");

            // AND the call fails at its timeout, as the sync client words it, with nothing sent
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> call.get().get(30, TimeUnit.SECONDS));
            LatticeCallTimeoutException timeout = assertInstanceOf(LatticeCallTimeoutException.class, e.getCause());
            assertTrue(timeout.getMessage().contains("while resolving AWS credentials"), timeout::getMessage);
            assertEquals(0, timeout.attempts());
            assertEquals(1, provide.getCount(), "the provider still had not answered");

            // AND once the provider answers, the next call signs with its credentials
            provide.countDown();
            LatticeResponse next = client.send(get("/after").toBuilder()
                            .callTimeout(Duration.ofSeconds(20))
                            .build())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(200, next.statusCode(), next::bodyAsString);
        } finally {
            provide.countDown();
        }
        assertEquals(
                List.of("/after"),
                events.stream().map(VpcLatticeV2Request::getPath).toList(),
                "nothing was sent for the timed-out call");
    }

    @AfterEach
    void noTargetLeftHolding() {
        target = LatticeAsyncClientLocalLatticeTest::echo;
    }
}
