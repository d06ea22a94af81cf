package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * OpenTelemetry with the real SDK installed globally (as the Java agent or the ADOT Lambda layer would, with the W3C
 * and the X-Ray propagators), its in-memory exporter, and a local Lattice on the other end that verifies SigV4 and
 * hands the target the V2 event: the propagated headers arrive, and the signature still verifies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientOpenTelemetryTest {
    static final String QUERY_SECRET = "otel-query-token-never-in-a-span";
    static final String HEADER_SECRET = "otel-header-value-never-in-a-span";
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    static final AtomicInteger failuresToAnswer = new AtomicInteger();
    static SdkTracerProvider tracerProvider;
    static Tracer tracer;

    /** Verifies SigV4 and allows the extension's principal; answers 503 while failuresToAnswer lasts, then 200. */
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-west-1")
            .target(event -> VpcLatticeV2Response.builder()
                    .statusCode(failuresToAnswer.getAndDecrement() > 0 ? 503 : 200)
                    .body("answered")
                    .build())
            .build();

    @BeforeAll
    static void start() {
        tracerProvider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        GlobalOpenTelemetry.resetForTest();
        OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(), AwsXrayPropagator.getInstance())))
                .buildAndRegisterGlobal();
        tracer = GlobalOpenTelemetry.getTracer("test");
    }

    @AfterAll
    static void stop() {
        GlobalOpenTelemetry.resetForTest();
        tracerProvider.close();
    }

    @BeforeEach
    void reset() {
        spans.reset();
        failuresToAnswer.set(0);
    }

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(lattice.credentials())
                .trustedCertificates(lattice.certificate().x509())
                .backoffBase(Duration.ofMillis(1))
                .xRayTracing(false);
    }

    /** A POST the caller marks as safe to retry (an idempotent create, say), so that 503s are retried. */
    private static LatticeRequest post(String url) {
        return LatticeRequest.builder()
                .method("POST")
                .url(url + "/orders?token=" + QUERY_SECRET)
                .header("x-custom", HEADER_SECRET)
                .jsonBody(Map.of("item", "book"))
                .retryable(true)
                .build();
    }

    /** The client's spans, oldest first. */
    private static List<SpanData> clientSpans() {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    private static List<VpcLatticeV2Request> events() {
        return lattice.receivedEvents();
    }

    private static void assertNoSecretIn(SpanData span) {
        AwsCredentials credentials = lattice.credentials().resolveCredentials();
        List<String> secrets = new ArrayList<>(List.of(
                QUERY_SECRET,
                HEADER_SECRET,
                credentials.accessKeyId(),
                credentials.secretAccessKey(),
                "Signature=",
                "?"));
        if (credentials instanceof AwsSessionCredentials) {
            secrets.add(((AwsSessionCredentials) credentials).sessionToken());
        }
        span.getAttributes().forEach((key, value) -> {
            String text = String.valueOf(value);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), key + "=" + text + " contains " + secret);
            }
        });
        assertTrue(span.getEvents().isEmpty(), "no exception events (their messages are not ours): " + span);
    }

    @Test
    void send_insideASpan_recordsAClientSpan_andPropagatesW3cAndXRayHeadersThatAreNotSigned() {
        Span caller = tracer.spanBuilder("caller").startSpan();
        Scope scope = caller.makeCurrent();
        try (LatticeClient client = client().build()) {
            // WHEN a signed call goes through the local Lattice, which verifies the signature
            assertEquals(200, client.send(post(lattice.endpoint().toString())).statusCode());
        } finally {
            scope.close();
            caller.end();
        }

        // THEN one CLIENT span named by the method, a child of the caller's, with the conventions' attributes
        List<SpanData> client = clientSpans();
        assertEquals(1, client.size(), client.toString());
        SpanData span = client.get(0);
        assertEquals("POST", span.getName());
        assertEquals(caller.getSpanContext().getSpanId(), span.getParentSpanId());
        assertEquals(caller.getSpanContext().getTraceId(), span.getTraceId());
        assertEquals("POST", span.getAttributes().get(METHOD));
        assertEquals(lattice.endpoint().getHost(), span.getAttributes().get(ADDRESS));
        assertEquals((long) lattice.endpoint().getPort(), span.getAttributes().get(PORT));
        assertEquals(
                "https://" + lattice.endpoint().getHost() + ":"
                        + lattice.endpoint().getPort() + "/orders",
                span.getAttributes().get(URL_FULL));
        assertEquals(200L, span.getAttributes().get(STATUS));
        assertNull(span.getAttributes().get(RESEND_COUNT));
        assertNull(span.getAttributes().get(ERROR_TYPE));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
        assertEquals(5, span.getAttributes().size(), "only the request's four and the status: " + span.getAttributes());
        assertNoSecretIn(span);

        // AND the target got the span's context in both formats, which the signature does not cover
        VpcLatticeV2Request event = events().get(0);
        String traceId = span.getTraceId();
        assertEquals(
                "00-" + traceId + "-" + span.getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex(),
                event.firstHeader("traceparent").orElse(null));
        assertEquals(
                "Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8) + ";Parent=" + span.getSpanId()
                        + ";Sampled=1",
                event.firstHeader("x-amzn-trace-id").orElse(null));
        event.firstHeader("authorization").ifPresent(authorization -> {
            assertFalse(authorization.contains("traceparent"), authorization);
            assertFalse(authorization.contains("x-amzn-trace-id"), authorization);
        });
    }

    @Test
    void retries_areOneSpanPerAttempt_withTheResendCount_eachPropagatedInItsOwnRequest() {
        // GIVEN a service that answers 503 twice, then 200
        failuresToAnswer.set(2);
        Span caller = tracer.spanBuilder("caller").startSpan();
        Scope scope = caller.makeCurrent();
        try (LatticeClient client = client().build()) {
            assertEquals(200, client.send(post(lattice.endpoint().toString())).statusCode());
        } finally {
            scope.close();
            caller.end();
        }

        // THEN three sibling spans under the caller, the resends counted, the 503s marked as errors
        List<SpanData> client = clientSpans();
        assertEquals(3, client.size(), client.toString());
        for (int i = 0; i < 3; i++) {
            SpanData span = client.get(i);
            assertEquals(caller.getSpanContext().getSpanId(), span.getParentSpanId());
            assertEquals(i == 0 ? null : (long) i, span.getAttributes().get(RESEND_COUNT));
            assertEquals(i < 2 ? 503L : 200L, span.getAttributes().get(STATUS));
            assertEquals(i < 2 ? "503" : null, span.getAttributes().get(ERROR_TYPE));
            assertEquals(
                    i < 2 ? StatusCode.ERROR : StatusCode.UNSET,
                    span.getStatus().getStatusCode());
            assertEquals(
                    "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                            + span.getSpanContext().getTraceFlags().asHex(),
                    events().get(i).firstHeader("traceparent").orElse(null),
                    "attempt " + (i + 1));
            assertNoSecretIn(span);
        }
        assertNotEquals(client.get(0).getSpanId(), client.get(1).getSpanId());
    }

    @Test
    void theAsyncClient_tracesAndPropagatesLikeTheSyncClient_underTheCallersSpan() throws Exception {
        // GIVEN a service that answers 503 once, then 200, and an async client with the same settings
        failuresToAnswer.set(1);
        Span caller = tracer.spanBuilder("caller").startSpan();
        LatticeResponse response;
        try (LatticeAsyncClient client = LatticeAsyncClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(lattice.credentials())
                .trustedCertificates(lattice.certificate().x509())
                .backoffBase(Duration.ofMillis(1))
                .xRayTracing(false)
                .build()) {
            java.util.concurrent.CompletableFuture<LatticeResponse> future;
            try (Scope scope = caller.makeCurrent()) {
                future = client.send(post(lattice.endpoint().toString()));
            }
            // WHEN the call goes on on other threads, after the caller's scope was closed
            response = future.get(30, TimeUnit.SECONDS);
        } finally {
            caller.end();
        }
        assertEquals(200, response.statusCode(), "the signatures verified with the trace headers added");

        // THEN two attempt spans under the caller's span, each propagated in its own request, ended before the future
        List<SpanData> client = clientSpans();
        assertEquals(2, client.size(), client.toString());
        for (int i = 0; i < 2; i++) {
            SpanData span = client.get(i);
            assertEquals(caller.getSpanContext().getSpanId(), span.getParentSpanId());
            assertEquals(i == 0 ? null : 1L, span.getAttributes().get(RESEND_COUNT));
            assertEquals(i == 0 ? 503L : 200L, span.getAttributes().get(STATUS));
            assertEquals(
                    "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                            + span.getSpanContext().getTraceFlags().asHex(),
                    events().get(i).firstHeader("traceparent").orElse(null),
                    "attempt " + (i + 1));
            assertNoSecretIn(span);
        }
    }

    @Test
    void attemptsWithoutAnAnswer_carryTheFailuresClassAsErrorType() throws Exception {
        int closedPort = ClosedPort.port();
        try (LatticeClient client = client().build()) {
            // WHEN nothing listens: a connection failure, retried for every method
            LatticeClientException e = assertThrows(
                    LatticeClientException.class, () -> client.send(post("https://127.0.0.1:" + closedPort)));

            // THEN one span per attempt, a root span without a caller's, each an error of the failure's class
            List<SpanData> client0 = clientSpans();
            assertEquals(3, client0.size(), client0.toString());
            for (SpanData span : client0) {
                assertFalse(span.getParentSpanContext().isValid());
                assertEquals(
                        e.getCause().getClass().getName(), span.getAttributes().get(ERROR_TYPE));
                assertNull(span.getAttributes().get(STATUS));
                assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
                assertEquals(
                        "https://127.0.0.1:" + closedPort + "/orders",
                        span.getAttributes().get(URL_FULL));
                assertNoSecretIn(span);
            }
        }
    }

    @Test
    void aTraceHeaderTheCallerSet_isNeverSigned_andTheAttemptsSpanReplacesIt() {
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (LatticeClient client = client().build()) {
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder()
                                    .url(lattice.endpoint().toString())
                                    .header("traceparent", own)
                                    .build())
                            .statusCode(),
                    "the signature still verifies");
        }
        String authorization = events().get(0).firstHeader("authorization").orElseThrow();
        assertFalse(authorization.contains("traceparent"), authorization);
        assertNotEquals(own, events().get(0).firstHeader("traceparent").orElse(null));
        assertEquals(1, clientSpans().size(), "the attempt is still traced");
    }

    @Test
    void withAnXRaySegmentToo_bothRecord_andOpenTelemetrysXRayHeaderWins() {
        // GIVEN the X-Ray recorder with an active segment as well as OpenTelemetry with its X-Ray propagator
        AWSXRayRecorder previous = AWSXRay.getGlobalRecorder();
        AWSXRayRecorder recorder = AWSXRayRecorderBuilder.standard()
                .withSamplingStrategy(new AllSamplingStrategy())
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
        Segment segment = recorder.beginSegment("caller");
        try (LatticeClient client = client().xRayTracing(true).build()) {
            assertEquals(200, client.send(post(lattice.endpoint().toString())).statusCode());
        } finally {
            recorder.endSegment();
            AWSXRay.setGlobalRecorder(previous);
        }

        // THEN X-Ray recorded its subsegment and OpenTelemetry its span, and X-Amzn-Trace-Id names the span
        assertEquals(1, segment.getSubsegmentsCopy().size());
        SpanData span = clientSpans().get(0);
        String traceId = span.getTraceId();
        assertEquals(
                "Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8) + ";Parent=" + span.getSpanId()
                        + ";Sampled=1",
                events().get(0).firstHeader("x-amzn-trace-id").orElse(null));
        assertTrue(events().get(0).firstHeader("traceparent").isPresent());
    }

    @Test
    void openTelemetryTracingOff_orAllTracingOff_recordsAndPropagatesNothing() {
        for (LatticeClient.Builder builder : List.of(client().openTelemetryTracing(false), client().tracing(false))) {
            try (LatticeClient client = builder.build()) {
                assertEquals(
                        200, client.send(post(lattice.endpoint().toString())).statusCode());
            }
        }
        assertTrue(clientSpans().isEmpty(), clientSpans().toString());
        assertEquals(2, events().size());
        for (VpcLatticeV2Request event : events()) {
            assertTrue(event.firstHeader("traceparent").isEmpty());
            assertTrue(event.firstHeader("x-amzn-trace-id").isEmpty());
        }
    }
}
