package dev.vpclattice.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.PayloadLimits;
import dev.vpclattice.events.InvalidLatticeEventException;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link LatticeTarget} that invokes a Lambda function running in the real Lambda Java runtime client
 * ({@link LocalLambda}): one warm runtime reused across requests, restarted by {@link LocalLambda} when it died or
 * timed out.
 *
 * <p>Each request's event, V2 or V1 as the {@link LocalLattice} is configured, is written as JSON and passed to the
 * function; its answer is read as the one response shape of both versions (statusCode, statusDescription, headers,
 * body, isBase64Encoded). As Lattice answers:
 * <ul>
 *   <li>a function error, an init failure or a crash becomes {@code 502 Bad Gateway};</li>
 *   <li>a timeout becomes {@code 504 Gateway Timeout};</li>
 *   <li>an answer that is not a JSON object of the response shape, or whose JSON is over Lambda's 6 MB
 *       (6,291,456-byte) payload limit, becomes {@code 502 Bad Gateway}.</li>
 * </ul>
 * Requests are handled one at a time, as one Lambda execution environment does.
 *
 * <p>{@link #close()} closes the function.
 */
public final class LambdaTarget implements LatticeTarget, AutoCloseable {
    private final LocalLambda function;
    private final Consumer<String> diagnostics;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VpcLatticeEventCodec codec = new VpcLatticeEventCodec();

    private LambdaTarget(LocalLambda function, Consumer<String> diagnostics) {
        this.function = Objects.requireNonNull(function, "function");
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
    }

    /**
     * Wraps a function, which this target then owns and closes.
     *
     * @param function the function; required
     * @return the target
     */
    public static LambdaTarget of(LocalLambda function) {
        return new LambdaTarget(function, line -> {});
    }

    /**
     * Wraps a function, reporting why a request got 502 or 504 (the status and the runtime's {@code errorType}) to
     * {@code diagnostics}.
     *
     * @param function the function; required; this target owns and closes it
     * @param diagnostics receives one line per failed invocation; required
     * @return the target
     */
    public static LambdaTarget of(LocalLambda function, Consumer<String> diagnostics) {
        return new LambdaTarget(function, diagnostics);
    }

    @Override
    public VpcLatticeV2Response invoke(VpcLatticeV2Request event) {
        return answer(function.invoke(codec.writeRequest(event)));
    }

    @Override
    public VpcLatticeV2Response invokeV1(VpcLatticeV1Request event) {
        return answer(function.invoke(codec.writeV1Request(event)));
    }

    /**
     * True for both versions: the function receives the JSON of whichever the target group sends.
     *
     * @param version the event version
     * @return true
     */
    @Override
    public boolean supports(EventVersion version) {
        return version != null;
    }

    private VpcLatticeV2Response answer(LambdaInvocation result) {
        switch (result.status()) {
            case SUCCESS -> {
                if (!PayloadLimits.fits(result.payload().length)) {
                    diagnostics.accept("502: the function's response is " + result.payload().length + " bytes of JSON,"
                            + " over Lambda's " + PayloadLimits.MAX_PAYLOAD_BYTES + "-byte payload limit");
                    return failure(502, "Bad Gateway");
                }
                try {
                    return codec.readResponse(result.payload());
                } catch (InvalidLatticeEventException e) {
                    diagnostics.accept("502: the function's answer is not a VPC Lattice response: " + e.getMessage());
                    return failure(502, "Bad Gateway");
                }
            }
            case TIMEOUT -> {
                diagnostics.accept(
                        "504: the function timed out after " + result.duration().toMillis() + " ms");
                return failure(504, "Gateway Timeout");
            }
            default -> {
                diagnostics.accept("502: the function failed: " + errorType(result));
                return failure(502, "Bad Gateway");
            }
        }
    }

    /**
     * One: a Lambda execution environment handles one request at a time.
     *
     * @return 1
     */
    @Override
    public int maxConcurrency() {
        return 1;
    }

    /**
     * True: the function's answer is measured as the function wrote it, before it is read.
     *
     * @return true
     */
    @Override
    public boolean checksResponseSize() {
        return true;
    }

    /** Closes the function and its runtime process. */
    @Override
    public void close() {
        function.close();
    }

    private String errorType(LambdaInvocation result) {
        try {
            return JSON.readTree(result.payload()).path("errorType").asText("unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static VpcLatticeV2Response failure(int status, String text) {
        return VpcLatticeV2Response.builder()
                .statusCode(status)
                .statusDescription(status + " " + text)
                .header("content-type", "text/plain; charset=utf-8")
                .body(text)
                .build();
    }
}
