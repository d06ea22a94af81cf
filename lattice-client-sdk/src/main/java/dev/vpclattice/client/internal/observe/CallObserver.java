package dev.vpclattice.client.internal.observe;

import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Watches client calls attempt by attempt: the one seam through which X-Ray, OpenTelemetry, the user's
 * {@link dev.vpclattice.client.LatticeCallListener}s and the wire log see a call, whatever the transport.
 * {@link CompositeObserver} holds a client's observers and combines what they return for each call.
 *
 * <p>{@link dev.vpclattice.client.internal.call.CallPipeline}, over either transport, drives the
 * {@link Observation} of each call through these points, in this order:
 * <ol>
 *   <li>{@code Observation observation = observers.start(call)}, once per call, on the caller's thread (observers
 *       capture the caller's trace context here), after the request was checked and its body serialized and before
 *       credentials are resolved; an asynchronous loop then calls {@code observation.detach()} on that thread;</li>
 *   <li>for every attempt, after {@link Call#startAttempt()} and signing:
 *       {@code SdkHttpRequest sent = observation.attemptStarted(call, signed)}, then send {@code sent}: it is the
 *       signed request plus the trace headers the observers add (never a header the signature covers, see
 *       {@link TraceHeaders}); {@link Call#attempts()} is the attempt's number, 1 for the first;</li>
 *   <li>then exactly one of {@code observation.attemptAnswered(call, response, nanos)}, for any status once the body
 *       is read, or {@code observation.attemptFailed(call, failure, nanos)} when the attempt got no usable answer:
 *       the I/O failure itself (not yet wrapped), the client exception of a body over the size limit, or the
 *       {@link dev.vpclattice.client.LatticeCallTimeoutException} when the deadline aborted the exchange;
 *       {@code nanos} is measured from just before the request was handed to the HTTP client;</li>
 *   <li>{@code observation.ended(call, response, failure)} exactly once, whatever happened, with the response the
 *       call returns or the exception it throws, including failures before any attempt (credentials) and between
 *       attempts.</li>
 * </ol>
 * The points may run on different threads, one at a time for a call: observations keep their state in fields,
 * not thread-locals. Implementations never throw and never block; when no observer is active,
 * {@link CompositeObserver#start} returns {@link Observation#NONE} without allocating.
 */
@LatticeInternalApi
public interface CallObserver {

    /**
     * Starts observing a call.
     *
     * @param call the call, whose request is checked and whose body is serialized
     * @return the call's observation, or {@link Observation#NONE} when this observer ignores it
     */
    Observation start(Call call);

    /** What an observer does for one call; see {@link CallObserver} for when each method runs. */
    interface Observation {
        /**
         * An attempt is about to be sent.
         *
         * @param call the call; {@link Call#attempts()} is this attempt's number
         * @param signed the signed request, with the headers that earlier observers added
         * @return the request to send: {@code signed}, or a copy with headers added through {@link TraceHeaders}
         */
        SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed);

        /**
         * The attempt was answered (any status) and its body read.
         *
         * @param call the call
         * @param response the attempt's response
         * @param durationNanos from sending to the end of the body
         */
        void attemptAnswered(Call call, LatticeResponse response, long durationNanos);

        /**
         * The attempt got no usable answer.
         *
         * @param call the call
         * @param failure what failed
         * @param durationNanos from sending to the failure
         */
        void attemptFailed(Call call, Throwable failure, long durationNanos);

        /**
         * The call is over; called exactly once.
         *
         * @param call the call
         * @param response the response the call returns, or {@code null} when it throws
         * @param failure the exception the call throws, or {@code null} when it returns
         */
        void ended(Call call, LatticeResponse response, Throwable failure);

        /**
         * The call goes on on other threads (the async client calls this right after {@link CallObserver#start}, on
         * the caller's thread): give that thread back the trace context it had before the call started. Does nothing
         * by default.
         */
        default void detach() {}

        /** Observes nothing. */
        Observation NONE = new Observation() {
            @Override
            public SdkHttpRequest attemptStarted(Call call, SdkHttpRequest signed) {
                return signed;
            }

            @Override
            public void attemptAnswered(Call call, LatticeResponse response, long durationNanos) {}

            @Override
            public void attemptFailed(Call call, Throwable failure, long durationNanos) {}

            @Override
            public void ended(Call call, LatticeResponse response, Throwable failure) {}

            @Override
            public String toString() {
                return "Observation.NONE";
            }
        };
    }
}
