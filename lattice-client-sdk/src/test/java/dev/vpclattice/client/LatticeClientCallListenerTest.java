package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Call listeners hear every attempt of real calls to a loopback HTTPS server, and cannot break a call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientCallListenerTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    /** Writes down what it hears, one line per event. */
    static final class Recorder implements LatticeCallListener {
        final List<LatticeCallListener.AttemptEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void attemptStarted(AttemptStarted event) {
            events.add(event);
        }

        @Override
        public void attemptResponse(AttemptResponse event) {
            events.add(event);
        }

        @Override
        public void attemptFailure(AttemptFailure event) {
            events.add(event);
        }
    }

    /** Throws from every method. */
    static final class Broken implements LatticeCallListener {
        @Override
        public void attemptStarted(AttemptStarted event) {
            throw new IllegalStateException("broken listener");
        }

        @Override
        public void attemptResponse(AttemptResponse event) {
            throw new AssertionError("broken listener");
        }

        @Override
        public void attemptFailure(AttemptFailure event) {
            throw new NoClassDefFoundError("broken listener");
        }
    }

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDLISTENERS0000001", "listener-test-secret-0000000000")))
                .httpClient(fixture.http())
                .backoffBase(Duration.ofMillis(1))
                .tracing(false);
    }

    @Test
    void aRetriedCall_isHeardAttemptByAttempt_withNumbersStatusesAndDurations() {
        // GIVEN a service that answers 503 once, then 200
        fixture.server().handler = (exchange, request) -> TestHttpsServer.respond(
                exchange,
                fixture.server().received.size() == 1 ? 503 : 200,
                fixture.server().received.size() == 1 ? "busy" : "done");
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        LatticeRequest request =
                LatticeRequest.builder().url(fixture.url() + "/orders").build();
        LatticeResponse response;
        try (LatticeClient client =
                client().addCallListener(first).addCallListener(second).build()) {
            response = client.send(request);
        }
        assertEquals(200, response.statusCode());

        // THEN each listener heard: started 1, response 503, started 2, response 200
        for (Recorder recorder : List.of(first, second)) {
            List<LatticeCallListener.AttemptEvent> events = recorder.events;
            assertEquals(4, events.size(), events.toString());
            assertInstanceOf(LatticeCallListener.AttemptStarted.class, events.get(0));
            assertEquals(1, events.get(0).attempt());
            LatticeCallListener.AttemptResponse busy =
                    assertInstanceOf(LatticeCallListener.AttemptResponse.class, events.get(1));
            assertEquals(1, busy.attempt());
            assertEquals(503, busy.statusCode());
            assertEquals("busy", busy.response().bodyAsString());
            assertInstanceOf(LatticeCallListener.AttemptStarted.class, events.get(2));
            assertEquals(2, events.get(2).attempt());
            LatticeCallListener.AttemptResponse done =
                    assertInstanceOf(LatticeCallListener.AttemptResponse.class, events.get(3));
            assertEquals(2, done.attempt());
            assertEquals(200, done.statusCode());
            assertSame(response, done.response());
            for (LatticeCallListener.AttemptEvent event : events) {
                assertSame(request, event.request());
            }
            // Durations: each attempt took time; the call's clock only moves forward and covers the attempts.
            assertTrue(busy.duration().toNanos() > 0 && done.duration().toNanos() > 0);
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i)
                                .sinceCallStart()
                                .compareTo(events.get(i - 1).sinceCallStart())
                        >= 0);
            }
            assertTrue(done.sinceCallStart().compareTo(busy.duration().plus(done.duration())) >= 0);
            assertTrue(busy.toString().contains("status 503"), busy.toString());
        }
    }

    @Test
    void attemptsWithoutAnAnswer_areHeardAsFailures() throws Exception {
        int closedPort = ClosedPort.port();
        Recorder recorder = new Recorder();
        try (LatticeClient client = client().addCallListener(recorder).build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder()
                            .url("https://127.0.0.1:" + closedPort)
                            .build()));
            assertEquals(3, e.attempts());
        }
        assertEquals(6, recorder.events.size(), recorder.events.toString());
        for (int attempt = 1; attempt <= 3; attempt++) {
            LatticeCallListener.AttemptFailure failure =
                    assertInstanceOf(LatticeCallListener.AttemptFailure.class, recorder.events.get(attempt * 2 - 1));
            assertEquals(attempt, failure.attempt());
            assertInstanceOf(ConnectException.class, failure.failure());
            assertFalse(failure.duration().isNegative());
        }
    }

    @Test
    void anAttemptTheCallTimeoutAborts_isHeardAsATimeout() {
        fixture.server().handler =
                (exchange, request) -> fixture.server().closing.await(10, TimeUnit.SECONDS);
        Recorder recorder = new Recorder();
        try (LatticeClient client = client().callTimeout(Duration.ofMillis(300))
                .addCallListener(recorder)
                .build()) {
            assertThrows(
                    LatticeCallTimeoutException.class,
                    () -> client.send(
                            LatticeRequest.builder().url(fixture.url()).build()));
        }
        LatticeCallListener.AttemptFailure failure = assertInstanceOf(
                LatticeCallListener.AttemptFailure.class, recorder.events.get(recorder.events.size() - 1));
        assertInstanceOf(LatticeCallTimeoutException.class, failure.failure());
        assertTrue(failure.duration().toMillis() >= 100, failure.duration().toString());
    }

    @Test
    void aListenerThatThrows_neverFailsTheCall_norKeepsTheOthersFromHearing() {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.vpclattice.client.internal.observe.ListenerObserver");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        Recorder recorder = new Recorder();
        try (LatticeClient client =
                client().addCallListener(new Broken()).addCallListener(recorder).build()) {
            // WHEN calls succeed and fail with a listener that throws RuntimeException, AssertionError, LinkageError
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
            fixture.server().handler =
                    (exchange, request) -> fixture.server().closing.await(10, TimeUnit.SECONDS);
            assertThrows(
                    LatticeCallTimeoutException.class,
                    () -> client.send(LatticeRequest.builder()
                            .url(fixture.url())
                            .callTimeout(Duration.ofMillis(200))
                            .build()));
        } finally {
            logger.removeHandler(capture);
        }
        // THEN the calls behaved as without it, the next listener heard everything, and one warning named it
        assertEquals(6, recorder.events.size(), recorder.events.toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(0).getMessage().contains("LatticeCallListener"),
                warnings.get(0).getMessage());
        assertTrue(
                warnings.get(0).getMessage().contains("$Broken"),
                warnings.get(0).getMessage());
    }
}
