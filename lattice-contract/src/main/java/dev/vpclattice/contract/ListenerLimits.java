package dev.vpclattice.contract;

import java.time.Duration;

/** The connection limits of a VPC Lattice listener, and the idle limit a client's pool keeps below them. */
public final class ListenerLimits {
    /** How long a listener keeps a connection that carries nothing: 1 minute by default. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(1);

    /** How long a listener keeps any connection: 10 minutes. */
    public static final Duration MAX_CONNECTION_DURATION = Duration.ofMinutes(10);

    /** How long a client keeps an idle pooled connection: 50 seconds, so that it closes it before Lattice does. */
    public static final Duration CLIENT_MAX_IDLE = IDLE_TIMEOUT.minusSeconds(10);

    private ListenerLimits() {}
}
