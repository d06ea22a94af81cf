package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.RuntimeErrorContextMissingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/** X-Ray tracing with the real recorder (test scope) and an in-memory emitter. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientTracingTest {
    static final String ACCESS_KEY = "AKIDTRACING000000001";
    static final String SECRET_KEY = "tracing-secret-key-000000000000000000000";

    static TestHttpsServer server;
    static SdkHttpClient http;
    static AWSXRayRecorder previous;
    static final List<Segment> emitted = new CopyOnWriteArrayList<>();
    static AWSXRayRecorder recorder;

    @BeforeAll
    static void start() throws Exception {
        server = TestHttpsServer.https();
        http = TestTls.trustingClient();
        previous = AWSXRay.getGlobalRecorder();
        recorder = AWSXRayRecorderBuilder.standard()
                .withSamplingStrategy(new AllSamplingStrategy())
                // Throws if anything touches the recorder without a segment: the client must not.
                .withContextMissingStrategy(new RuntimeErrorContextMissingStrategy())
                .withEmitter(new Emitter() {
                    @Override
                    public boolean sendSegment(Segment segment) {
                        emitted.add(segment);
                        return true;
                    }

                    @Override
                    public boolean sendSubsegment(Subsegment subsegment) {
                        return true;
                    }
                })
                .build();
        AWSXRay.setGlobalRecorder(recorder);
    }

    @AfterAll
    static void stop() {
        AWSXRay.setGlobalRecorder(previous);
        http.close();
        server.close();
    }

    @BeforeEach
    void reset() {
        server.received.clear();
        emitted.clear();
        server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 200, "ok");
    }

    private static LatticeClient client() {
        return LatticeClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(http)
                .build();
    }

    @Test
    void send_withActiveSegment_recordsARemoteSubsegment_andPropagatesAnUnsignedTraceHeader() {
        // GIVEN an active segment
        Segment segment = recorder.beginSegment("caller");
        try (LatticeClient client = client()) {
            // WHEN the client calls a service that answers 404
            server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 404, "nope");
            client.send(LatticeRequest.builder().url(server.url() + "/things").build());
        } finally {
            recorder.endSegment();
        }

        // THEN one remote subsegment with request and response was emitted with the segment
        assertEquals(1, emitted.size());
        List<Subsegment> subsegments = emitted.get(0).getSubsegmentsCopy();
        assertEquals(1, subsegments.size());
        Subsegment call = subsegments.get(0);
        assertEquals("127.0.0.1", call.getName());
        assertEquals("remote", call.getNamespace());
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) call.getHttp().get("request");
        @SuppressWarnings("unchecked")
        Map<String, Object> response = (Map<String, Object>) call.getHttp().get("response");
        assertEquals("GET", request.get("method"));
        assertEquals(server.url() + "/things", request.get("url"));
        assertEquals(404, response.get("status"));
        assertTrue(call.isError());

        // AND the header names the trace and the subsegment, is not signed, and the signature still verifies
        TestHttpsServer.Received received = server.received.get(0);
        assertEquals(
                "Root=" + segment.getTraceId() + ";Parent=" + call.getId() + ";Sampled=1",
                received.header("x-amzn-trace-id"));
        IndependentSigV4Verifier.Result signature =
                IndependentSigV4Verifier.verify(received, Map.of(ACCESS_KEY, SECRET_KEY));
        assertFalse(
                signature.signedHeaders().contains("x-amzn-trace-id"),
                signature.signedHeaders().toString());
        assertTrue(signature.valid());
    }

    /** The shared HTTP client, running {@code duringCall} on the calling thread just before each exchange. */
    private static SdkHttpClient httpDoing(Runnable duringCall) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest exchange = http.prepareRequest(request);
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        duringCall.run();
                        return exchange.call();
                    }

                    @Override
                    public void abort() {
                        exchange.abort();
                    }
                };
            }

            @Override
            public void close() {}
        };
    }

    private static LatticeClient client(SdkHttpClient httpClient) {
        return LatticeClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(httpClient)
                .maxAttempts(1)
                .build();
    }

    @Test
    void end_endsTheClientsOwnSubsegment_evenWhenAnotherOneWasLeftOpenDuringTheCall() {
        // GIVEN an instrumented HTTP layer that opens a subsegment and never ends it
        Segment segment = recorder.beginSegment("caller");
        try (LatticeClient client = client(httpDoing(() -> recorder.beginSubsegment("leaked")))) {
            client.send(LatticeRequest.builder().url(server.url()).build());

            // THEN the client's subsegment is ended, and the leaked one is still the current entity, untouched
            Subsegment ours = segment.getSubsegmentsCopy().get(0);
            assertEquals("127.0.0.1", ours.getName());
            assertFalse(ours.isInProgress(), "the client's subsegment must be ended");
            assertEquals("leaked", recorder.getTraceEntity().getName());
            assertTrue(recorder.getTraceEntity().isInProgress());
        } finally {
            recorder.clearTraceEntity();
        }
    }

    @Test
    void tracerFailures_neverReachTheCaller() {
        // GIVEN a subsegment that the X-Ray SDK refuses to change (already emitted), so recording throws
        recorder.beginSegment("caller");
        Runnable emitCurrent = () -> recorder.getTraceEntity().setEmitted(true);
        try (LatticeClient client = client(httpDoing(emitCurrent))) {
            // WHEN a call succeeds, THEN the response is returned although recording it threw
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(server.url()).build())
                            .statusCode());
        } finally {
            recorder.clearTraceEntity();
        }
        recorder.beginSegment("caller");
        Runnable emitAndFail = () -> {
            emitCurrent.run();
            throw new java.io.UncheckedIOException(new IOException("reset"));
        };
        try (LatticeClient client = client(httpDoing(emitAndFail))) {
            // WHEN a call fails, THEN the caller sees the client's failure, not the tracer's
            LatticeClientException e = org.junit.jupiter.api.Assertions.assertThrows(
                    LatticeClientException.class,
                    () -> client.send(LatticeRequest.builder().url(server.url()).build()));
            assertEquals("reset", e.getCause().getMessage());
        } finally {
            recorder.clearTraceEntity();
        }
    }

    @Test
    void send_withoutSegment_tracesNothing_andStillWorks() {
        try (LatticeClient client = client()) {
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(server.url()).build())
                            .statusCode());
        }
        assertNull(server.received.get(0).header("x-amzn-trace-id"));
        assertTrue(emitted.isEmpty());
    }

    @Test
    void send_withTracingDisabled_propagatesNothing() {
        recorder.beginSegment("caller");
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(http)
                .tracing(false)
                .build()) {
            client.send(LatticeRequest.builder().url(server.url()).build());
        } finally {
            recorder.endSegment();
        }
        assertNull(server.received.get(0).header("x-amzn-trace-id"));
        assertTrue(emitted.get(0).getSubsegmentsCopy().isEmpty());
    }
}
