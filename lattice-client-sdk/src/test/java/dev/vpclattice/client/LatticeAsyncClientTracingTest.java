package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.RuntimeErrorContextMissingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * X-Ray tracing of the async client with the real recorder: the subsegment is begun on the calling thread, ended on
 * another, and the calling thread's X-Ray context is left as it was, as the X-Ray SDK's own AWS SDK v2 interceptor
 * does for async calls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeAsyncClientTracingTest {
    static final String ACCESS_KEY = "AKIDASYNCTRACING0001";
    static final String SECRET_KEY = "async-tracing-secret-key-0000000000000000";

    static TestHttpsServer server;
    static AWSXRayRecorder previous;
    static AWSXRayRecorder recorder;

    @BeforeAll
    static void start() throws Exception {
        server = TestHttpsServer.https();
        previous = AWSXRay.getGlobalRecorder();
        recorder = AWSXRayRecorderBuilder.standard()
                .withSamplingStrategy(new AllSamplingStrategy())
                // Throws if anything touches the recorder on a thread without a segment: the client must not.
                .withContextMissingStrategy(new RuntimeErrorContextMissingStrategy())
                .withEmitter(new Emitter() {
                    @Override
                    public boolean sendSegment(Segment segment) {
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
        server.close();
    }

    private static LatticeAsyncClient client() {
        return LatticeAsyncClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .build();
    }

    @Test
    void send_recordsASubsegmentEndedElsewhere_andLeavesTheCallersContextAsItWas() throws Exception {
        server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 404, "nope");
        Segment segment = recorder.beginSegment("caller");
        try (LatticeAsyncClient client = client()) {
            // WHEN a call is sent from a thread with an active segment
            CompletableFuture<LatticeResponse> call = client.send(
                    LatticeRequest.builder().url(server.url() + "/things").build());

            // THEN the calling thread's current entity is still the segment, not the call's subsegment
            assertSame(segment, recorder.getTraceEntity());
            assertEquals(404, call.get(30, TimeUnit.SECONDS).statusCode());

            // AND the subsegment recorded the call and is ended, and the header named it, unsigned and verified
            List<Subsegment> subsegments = segment.getSubsegmentsCopy();
            assertEquals(1, subsegments.size());
            Subsegment ours = subsegments.get(0);
            assertFalse(ours.isInProgress(), "ended by the thread that completed the call");
            assertEquals("127.0.0.1", ours.getName());
            @SuppressWarnings("unchecked")
            Map<String, Object> response = (Map<String, Object>) ours.getHttp().get("response");
            assertEquals(404, response.get("status"));
            assertTrue(ours.isError());
            TestHttpsServer.Received received = server.received.get(server.received.size() - 1);
            assertEquals(
                    "Root=" + segment.getTraceId() + ";Parent=" + ours.getId() + ";Sampled=1",
                    received.header("x-amzn-trace-id"));
            IndependentSigV4Verifier.Result signature =
                    IndependentSigV4Verifier.verify(received, Map.of(ACCESS_KEY, SECRET_KEY));
            assertFalse(signature.signedHeaders().contains("x-amzn-trace-id"));
            assertTrue(signature.valid());

            // AND the caller's next subsegment is the segment's child, not the call's
            Subsegment next = recorder.beginSubsegment("next");
            assertSame(segment, next.getParent());
            recorder.endSubsegment();
        } finally {
            recorder.endSegment();
        }
    }

    @Test
    void aFailedCall_recordsItsException() throws Exception {
        server.handler = (exchange, request) -> {
            server.closing.await(30, TimeUnit.SECONDS);
            TestHttpsServer.respond(exchange, 200, "late");
        };
        Segment segment = recorder.beginSegment("caller");
        try (LatticeAsyncClient client = client()) {
            CompletableFuture<LatticeResponse> call = client.send(LatticeRequest.builder()
                    .url(server.url())
                    .callTimeout(Duration.ofMillis(300))
                    .build());
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            Subsegment ours = segment.getSubsegmentsCopy().get(0);
            assertFalse(ours.isInProgress());
            assertTrue(ours.isFault() || ours.isError(), "a failed call marks its subsegment");
            assertEquals(e.getCause(), ours.getCause().getExceptions().get(0).getThrowable());
        } finally {
            recorder.endSegment();
        }
    }
}
