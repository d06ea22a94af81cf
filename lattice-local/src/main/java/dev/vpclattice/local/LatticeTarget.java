package dev.vpclattice.local;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LocalLambda;
import java.util.Objects;

/**
 * What a {@link LocalLattice} forwards requests to as Lambda events: the emulated {@code LAMBDA} target group's single
 * target. (An HTTP server is fronted with {@link LocalLattice.Builder#targetUrl(java.net.URI)} instead.)
 *
 * <p>Implementations must be thread-safe: the server calls {@link #invoke} from several threads at once.
 * Use {@link LambdaTarget} for a Lambda function run in the real Lambda Java runtime, a lambda expression for an
 * in-process target of V2 events in tests, or {@link #v1(V1Handler)} for one of V1 events.
 */
@FunctionalInterface
public interface LatticeTarget {

    /**
     * Handles one request.
     *
     * @param event the V2 event, built as VPC Lattice builds it; never null
     * @return the response to send to the caller; null or an exception becomes {@code 502 Bad Gateway}
     * @throws Exception any failure, answered with {@code 502 Bad Gateway}
     */
    VpcLatticeV2Response invoke(VpcLatticeV2Request event) throws Exception;

    /**
     * Handles one request of a target group whose {@code LambdaEventStructureVersion} is {@code V1}.
     *
     * @param event the V1 event, built as VPC Lattice builds it; never null
     * @return the response to send to the caller; null or an exception becomes {@code 502 Bad Gateway}
     * @throws Exception any failure, answered with {@code 502 Bad Gateway}; by default
     *     {@link UnsupportedOperationException}, as a target that takes V2 events only
     */
    default VpcLatticeV2Response invokeV1(VpcLatticeV1Request event) throws Exception {
        throw new UnsupportedOperationException("This target takes V2 events only");
    }

    /**
     * Whether this target takes events of a version; a {@link LocalLattice} refuses at {@code build()} to send a
     * target events it does not take.
     *
     * @param version the event version; required
     * @return by default true for {@link EventVersion#V2} only
     */
    default boolean supports(EventVersion version) {
        return version == EventVersion.V2;
    }

    /**
     * How many requests this target handles at once; the local Lattice queues the rest, holding no server thread.
     *
     * @return at least 1; by default {@value #DEFAULT_MAX_CONCURRENCY}
     */
    default int maxConcurrency() {
        return DEFAULT_MAX_CONCURRENCY;
    }

    /** The default of {@link #maxConcurrency()} for a thread-safe in-process target. */
    int DEFAULT_MAX_CONCURRENCY = 64;

    /**
     * Whether this target holds its responses to Lambda's 6 MB response limit itself, measuring the bytes its
     * function wrote, as {@link LambdaTarget} does. Otherwise the local Lattice measures each response as the event
     * model writes it.
     *
     * @return false by default
     */
    default boolean checksResponseSize() {
        return false;
    }

    /**
     * A target backed by a Lambda function in the real Lambda Java runtime client; the same as
     * {@link LambdaTarget#of(LocalLambda)}.
     *
     * @param function the function; required; the returned target owns it and closes it
     * @return the target
     */
    static LambdaTarget lambda(LocalLambda function) {
        return LambdaTarget.of(function);
    }

    /**
     * An in-process target of V1 events, for a {@link LocalLattice} built with {@code eventVersion(EventVersion.V1)}.
     *
     * @param handler answers each V1 event; required; called from several threads at once
     * @return a target that takes V1 events only
     */
    static LatticeTarget v1(V1Handler handler) {
        Objects.requireNonNull(handler, "handler");
        return new LatticeTarget() {
            @Override
            public VpcLatticeV2Response invoke(VpcLatticeV2Request event) {
                throw new UnsupportedOperationException("This target takes V1 events only");
            }

            @Override
            public VpcLatticeV2Response invokeV1(VpcLatticeV1Request event) throws Exception {
                return handler.invoke(event);
            }

            @Override
            public boolean supports(EventVersion version) {
                return version == EventVersion.V1;
            }
        };
    }

    /** Answers a V1 event in process; see {@link #v1(V1Handler)}. */
    @FunctionalInterface
    interface V1Handler {
        /**
         * Handles one request.
         *
         * @param event the V1 event; never null
         * @return the response; null or an exception becomes {@code 502 Bad Gateway}
         * @throws Exception any failure, answered with {@code 502 Bad Gateway}
         */
        VpcLatticeV2Response invoke(VpcLatticeV1Request event) throws Exception;
    }
}
