package dev.vpclattice.local;

import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LocalLambda;

/**
 * What a {@link LocalLattice} forwards requests to: the emulated target group's single target.
 *
 * <p>Implementations must be thread-safe: the server calls {@link #invoke} from several threads at once.
 * Use {@link LambdaTarget} for a Lambda function run in the real Lambda Java runtime, or a lambda expression for an
 * in-process target in tests.
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
}
