package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The async client tells call listeners the same points as the sync client (LatticeClientCallListenerTest), in
 * order and before the caller's future completes, including an attempt the deadline or the caller's cancel cut short.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeAsyncClientCallListenerTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    /** Writes down what it hears, with the thread's view of whether the caller's future was already complete. */
    static final class Recorder implements LatticeCallListener {
        final List<LatticeCallListener.AttemptEvent> events = new CopyOnWriteArrayList<>();
        volatile CompletableFuture<LatticeResponse> future;
        volatile boolean heardAfterCompletion;

        private void heard(LatticeCallListener.AttemptEvent event) {
            CompletableFuture<LatticeResponse> f = future;
            if (f != null && f.isDone() && !f.isCancelled()) {
                heardAfterCompletion = true;
            }
            events.add(event);
        }

        @Override
        public void attemptStarted(AttemptStarted event) {
            heard(event);
        }

        @Override
        public void attemptResponse(AttemptResponse event) {
            heard(event);
        }

        @Override
        public void attemptFailure(AttemptFailure event) {
            heard(event);
        }
    }

    private static LatticeAsyncClient.Builder client() {
        return LatticeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDASYNCLISTENER001", "async-listener-secret-000000000000")))
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .backoffBase(Duration.ofMillis(1))
                .tracing(false);
    }

    @Test
    void aRetriedAsyncCall_isHeardAttemptByAttempt_beforeItsFutureCompletes() throws Exception {
        // GIVEN a service that answers 503 once, then 200
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange,
                fixture.server().received.size() == 1 ? 503 : 200,
                fixture.server().received.size() == 1 ? "busy" : "done");
        Recorder recorder = new Recorder();
        LatticeRequest request =
                LatticeRequest.builder().url(fixture.url() + "/orders").build();
        LatticeResponse response;
        try (LatticeAsyncClient client = client().addCallListener(recorder).build()) {
            CompletableFuture<LatticeResponse> future = client.send(request);
            recorder.future = future;
            response = future.get(30, TimeUnit.SECONDS);
        }
        assertEquals(200, response.statusCode());

        // THEN: started 1, response 503, started 2, response 200, all heard before the future completed
        List<LatticeCallListener.AttemptEvent> events = recorder.events;
        assertEquals(4, events.size(), events.toString());
        assertInstanceOf(LatticeCallListener.AttemptStarted.class, events.get(0));
        assertEquals(1, events.get(0).attempt());
        LatticeCallListener.AttemptResponse busy =
                assertInstanceOf(LatticeCallListener.AttemptResponse.class, events.get(1));
        assertEquals(503, busy.statusCode());
        assertEquals("busy", busy.response().bodyAsString());
        assertInstanceOf(LatticeCallListener.AttemptStarted.class, events.get(2));
        assertEquals(2, events.get(2).attempt());
        LatticeCallListener.AttemptResponse done =
                assertInstanceOf(LatticeCallListener.AttemptResponse.class, events.get(3));
        assertEquals(200, done.statusCode());
        assertSame(response, done.response());
        for (LatticeCallListener.AttemptEvent event : events) {
            assertSame(request, event.request());
        }
        assertTrue(busy.duration().toNanos() > 0 && done.duration().toNanos() > 0);
        assertTrue(!recorder.heardAfterCompletion, "a listener heard the call after its future had completed");
    }

    @Test
    void anAttemptTheDeadlineAborts_isHeardAsATimeout() throws Exception {
        fixture.server().handler =
                (exchange, request) -> fixture.server().closing.await(10, TimeUnit.SECONDS);
        Recorder recorder = new Recorder();
        try (LatticeAsyncClient client = client().callTimeout(Duration.ofMillis(300))
                .addCallListener(recorder)
                .build()) {
            CompletableFuture<LatticeResponse> future =
                    client.send(LatticeRequest.builder().url(fixture.url()).build());
            ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
            assertInstanceOf(LatticeCallTimeoutException.class, e.getCause());
        }
        assertEquals(2, recorder.events.size(), recorder.events.toString());
        assertInstanceOf(LatticeCallListener.AttemptStarted.class, recorder.events.get(0));
        LatticeCallListener.AttemptFailure failure =
                assertInstanceOf(LatticeCallListener.AttemptFailure.class, recorder.events.get(1));
        assertEquals(1, failure.attempt());
        assertInstanceOf(LatticeCallTimeoutException.class, failure.failure());
        assertTrue(failure.duration().toMillis() >= 100, failure.duration().toString());
    }

    @Test
    void anAttemptTheCallerCancels_isHeardAsACancellation_whenCancelReturns() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        fixture.server().handler = (exchange, request) -> {
            arrived.countDown();
            fixture.server().closing.await(10, TimeUnit.SECONDS);
        };
        Recorder recorder = new Recorder();
        try (LatticeAsyncClient client = client().addCallListener(recorder).build()) {
            CompletableFuture<LatticeResponse> future =
                    client.send(LatticeRequest.builder().url(fixture.url()).build());
            assertTrue(arrived.await(30, TimeUnit.SECONDS), "the request never reached the server");
            future.cancel(true);

            // THEN by the time cancel() returned, the attempt was heard as failed with the cancellation
            assertEquals(2, recorder.events.size(), recorder.events.toString());
            LatticeCallListener.AttemptFailure failure =
                    assertInstanceOf(LatticeCallListener.AttemptFailure.class, recorder.events.get(1));
            assertInstanceOf(CancellationException.class, failure.failure());
        }
    }
}
