package dev.vpclattice.client.internal.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.call.Call;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The Lambda side of the X-Ray tracer: the invocation's trace header decides. That an unsampled call loads no X-Ray
 * class is shown in the client function's runtime test, where the class loading of a real Lambda runtime is visible.
 */
class XRayObserverTest {
    private static final String URL = "https://svc.example.on.aws/";

    private static Call call() {
        return new Call(
                LatticeRequest.builder().method("POST").url(URL).build(),
                Duration.ofSeconds(5),
                System.nanoTime(),
                false);
    }

    private static SdkHttpRequest signed() {
        return SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("https")
                .host("svc.example.on.aws")
                .encodedPath("/")
                .build();
    }

    @Test
    void unsampledInvocation_propagatesTheRootAndTheDecisionAndRecordsNothing() {
        XRayObserver tracer = new XRayObserver(
                true, () -> "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");
        Call call = call();

        CallObserver.Observation observation = tracer.start(call);
        call.startAttempt();
        SdkHttpRequest sent = observation.attemptStarted(call, signed());

        assertEquals(
                Optional.of("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"),
                sent.firstMatchingHeader("X-Amzn-Trace-Id"));
        observation.ended(
                call,
                LatticeResponse.builder()
                        .statusCode(200)
                        .body(new byte[] {1, 2})
                        .build(),
                null);
    }

    @Test
    void invocationWithoutTraceContext_isNotTraced() {
        assertSame(CallObserver.Observation.NONE, new XRayObserver(true, () -> null).start(call()));
        assertSame(CallObserver.Observation.NONE, new XRayObserver(true, () -> "Sampled=1").start(call()));
    }

    @Test
    void sampledInvocation_goesThroughTheRecorder() {
        Call call = call();
        CallObserver.Observation observation = new XRayObserver(
                        true, () -> "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
                .start(call);

        assertNotSame(CallObserver.Observation.NONE, observation);
        observation.ended(call, null, null);
    }

    @Test
    void field_readsTheTraceHeadersParts() {
        String header = "Root=1-abc; Parent=def ;Sampled=1;Lineage=a:1";
        assertEquals("1-abc", XRayObserver.field(header, "Root"));
        assertEquals("def", XRayObserver.field(header, "Parent"));
        assertEquals("1", XRayObserver.field(header, "Sampled"));
        assertNull(XRayObserver.field(header, "Self"));
        assertNull(XRayObserver.field("Root=", "Root"));
        assertNull(XRayObserver.field(null, "Root"));
    }
}
