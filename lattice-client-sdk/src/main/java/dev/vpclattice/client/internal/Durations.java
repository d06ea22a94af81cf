package dev.vpclattice.client.internal;

import java.time.Duration;
import java.util.Objects;

/** The one check for durations the client is configured with. */
@LatticeInternalApi
public final class Durations {
    private Durations() {}

    /**
     * Returns the duration when it is positive.
     *
     * @param name the setting's name, for the message
     * @param value the duration
     * @return {@code value}
     * @throws NullPointerException naming the setting when it is null
     * @throws IllegalArgumentException naming the setting and value when it is zero or negative
     */
    public static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
