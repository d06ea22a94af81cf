package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Lambda side of the X-Ray tracer: the invocation's trace header decides. That an unsampled call loads no X-Ray
 * class is shown in the client function's runtime test, where the class loading of a real Lambda runtime is visible.
 */
class XRayTracerTest {
    private static final String HOST = "svc.example.on.aws";
    private static final String URL = "https://svc.example.on.aws/";

    @Test
    void unsampledInvocation_propagatesTheRootAndTheDecisionAndRecordsNothing() {
        XRayTracer tracer = new XRayTracer(true,
                () -> "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");

        Tracer.Span span = tracer.start("POST", HOST, URL);

        assertEquals(Optional.of("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"), span.traceHeader());
        span.response(200, 2);
        span.end();
    }

    @Test
    void invocationWithoutTraceContext_isNotTraced() {
        assertSame(Tracer.NoOpSpan.INSTANCE, new XRayTracer(true, () -> null).start("POST", HOST, URL));
        assertSame(Tracer.NoOpSpan.INSTANCE, new XRayTracer(true, () -> "Sampled=1").start("POST", HOST, URL));
    }

    @Test
    void sampledInvocation_goesThroughTheRecorder() {
        Tracer.Span span = new XRayTracer(true,
                () -> "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1").start("POST", HOST, URL);

        assertNotSame(Tracer.NoOpSpan.INSTANCE, span);
        span.end();
    }

    @Test
    void field_readsTheTraceHeadersParts() {
        String header = "Root=1-abc; Parent=def ;Sampled=1;Lineage=a:1";
        assertEquals("1-abc", XRayTracer.field(header, "Root"));
        assertEquals("def", XRayTracer.field(header, "Parent"));
        assertEquals("1", XRayTracer.field(header, "Sampled"));
        assertNull(XRayTracer.field(header, "Self"));
        assertNull(XRayTracer.field("Root=", "Root"));
        assertNull(XRayTracer.field(null, "Root"));
    }
}
