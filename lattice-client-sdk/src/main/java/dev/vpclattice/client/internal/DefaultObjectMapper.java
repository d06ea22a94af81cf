package dev.vpclattice.client.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The library's default {@link ObjectMapper}, created on first use. Building one loads and links a few hundred
 * jackson-databind classes (about 0.2 s of a Lambda cold start on the java21 runtime's C1-only JIT), and most callers
 * never map a body: a client that only sends bytes must not pay for it.
 */
@LatticeInternalApi
public final class DefaultObjectMapper {
    private DefaultObjectMapper() {}

    /**
     * Returns the shared default mapper, creating it on the first call: unknown properties are ignored (a class may
     * model only part of an answer), {@code java.time} types are read and written (as ISO-8601 text, not numbers).
     *
     * @return the mapper; thread-safe, not to be reconfigured by callers
     */
    public static ObjectMapper get() {
        return Holder.INSTANCE;
    }

    /**
     * Returns a new mapper configured like {@link #get()}, for callers who want to change it further.
     *
     * @return a new mapper
     */
    public static ObjectMapper create() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(new JavaTimeModule())
                .build();
    }

    // The JVM initialises the holder class on first access only, so the mapper is built lazily and exactly once.
    private static final class Holder {
        static final ObjectMapper INSTANCE = create();
    }
}
