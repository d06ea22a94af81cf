package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The library's default {@link ObjectMapper}, created on first use. Building one loads and links a few hundred
 * jackson-databind classes (about 0.2 s of a Lambda cold start on the java21 runtime's C1-only JIT), and most callers
 * never map a body: a client that only sends bytes must not pay for it.
 */
public final class DefaultObjectMapper {
    private DefaultObjectMapper() {
    }

    /**
     * Returns the shared default mapper (a plain {@code new ObjectMapper()}), creating it on the first call.
     *
     * @return the mapper; thread-safe, not to be reconfigured by callers
     */
    public static ObjectMapper get() {
        return Holder.INSTANCE;
    }

    // The JVM initialises the holder class on first access only, so the mapper is built lazily and exactly once.
    private static final class Holder {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }
}
