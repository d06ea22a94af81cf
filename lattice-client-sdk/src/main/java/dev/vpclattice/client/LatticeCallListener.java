package dev.vpclattice.client;

import java.time.Duration;

/**
 * Hears every attempt of a client's calls (its start, its response or its failure), so that metrics or logs can hang
 * off a client without this library depending on them. Methods run on the attempt's thread, in the order the listeners
 * were added, and one that throws never fails the call.
 */
public interface LatticeCallListener {

    /**
     * An attempt is about to be sent: it is signed and carries its trace headers.
     *
     * @param event the request and the attempt's number
     */
    default void attemptStarted(AttemptStarted event) {}

    /**
     * An attempt was answered, with any status, and its body read. A retryable answer (429, 502, 503, 504) may be
     * followed by another attempt.
     *
     * @param event the response and the durations
     */
    default void attemptResponse(AttemptResponse event) {}

    /**
     * An attempt got no usable answer: a connection failure, a reset, a read timeout, a body over the size limit, or
     * the call timeout aborting it. It may be followed by another attempt.
     *
     * @param event the failure and the durations
     */
    default void attemptFailure(AttemptFailure event) {}

    /** What every attempt event tells. Immutable. */
    interface AttemptEvent {
        /**
         * Returns the request of the call; its {@code toString()} leaves the query out.
         *
         * @return the request
         */
        LatticeRequest request();

        /**
         * Returns the attempt's number.
         *
         * @return 1 for the first attempt, 2 for the first retry, and so on
         */
        int attempt();

        /**
         * Returns the time since the call started, including waiting for credentials, signing and earlier attempts
         * and backoff.
         *
         * @return the time since {@link LatticeClient#send} was called
         */
        Duration sinceCallStart();
    }

    /** An attempt is about to be sent. Immutable. */
    interface AttemptStarted extends AttemptEvent {}

    /** An attempt was answered. Immutable. */
    interface AttemptResponse extends AttemptEvent {
        /**
         * Returns the attempt's response.
         *
         * @return the response, whatever its status
         */
        LatticeResponse response();

        /**
         * Returns the response's status code, the same as {@code response().statusCode()}.
         *
         * @return the status code
         */
        int statusCode();

        /**
         * Returns how long the attempt took, from handing the signed request to the HTTP client to the end of the body.
         *
         * @return the attempt's duration
         */
        Duration duration();
    }

    /** An attempt got no usable answer. Immutable. */
    interface AttemptFailure extends AttemptEvent {
        /**
         * Returns what failed: the HTTP client's I/O exception (for example {@code java.net.SocketTimeoutException}),
         * a {@link LatticeClientException} for a body over the size limit, or a {@link LatticeCallTimeoutException}
         * when the call timeout aborted the attempt.
         *
         * @return the failure
         */
        Throwable failure();

        /**
         * Returns how long the attempt took, from handing the signed request to the HTTP client to the failure.
         *
         * @return the attempt's duration
         */
        Duration duration();
    }
}
