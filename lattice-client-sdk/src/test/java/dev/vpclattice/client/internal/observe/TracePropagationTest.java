package dev.vpclattice.client.internal.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/** The trace headers the signing core adds for the adapters: inside Lambda, the invocation's own header. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracePropagationTest {
    private static final String RUNTIME_KEY = "AWS_LAMBDA_X_TRACE_ID";

    @Test
    void inLambda_concurrentInvocations_eachPropagateTheirOwnTraceHeader() throws Exception {
        TracePropagation trace = TracePropagation.create(true, name -> false, true);
        CyclicBarrier bothSet = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> sent = threads.invokeAll(List.of(
                    invocation(trace, bothSet, "Root=1-67891233-abcdef012345678912345678;Sampled=1"),
                    invocation(trace, bothSet, "Root=1-67891233-000000000000000000000002;Sampled=0")));

            assertEquals(
                    "Root=1-67891233-abcdef012345678912345678;Sampled=1",
                    sent.get(0).get());
            assertEquals(
                    "Root=1-67891233-000000000000000000000002;Sampled=0",
                    sent.get(1).get());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aTraceHeaderTheRequestHas_isKept() {
        TracePropagation trace = TracePropagation.create(true, name -> false, true);
        SdkInternalThreadLocal.put(RUNTIME_KEY, "Root=1-67891233-abcdef012345678912345678;Sampled=1");
        try {
            Map<String, String> add = new HashMap<>();
            trace.addTo(add, name -> name.equalsIgnoreCase(XRayObserver.TRACE_HEADER));
            assertEquals(Map.of(), add);
        } finally {
            SdkInternalThreadLocal.remove(RUNTIME_KEY);
        }
    }

    /** One invocation on its own thread, as the runtime client runs them: its header is set while the other's is. */
    private static Callable<String> invocation(TracePropagation trace, CyclicBarrier bothSet, String header) {
        return () -> {
            SdkInternalThreadLocal.put(RUNTIME_KEY, header);
            try {
                bothSet.await(30, TimeUnit.SECONDS);
                Map<String, String> add = new HashMap<>();
                trace.addTo(add, name -> false);
                return add.get(XRayObserver.TRACE_HEADER);
            } finally {
                SdkInternalThreadLocal.remove(RUNTIME_KEY);
            }
        };
    }
}
