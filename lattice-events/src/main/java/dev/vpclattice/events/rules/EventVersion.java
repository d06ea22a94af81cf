package dev.vpclattice.events.rules;

import java.util.List;
import java.util.Optional;

/**
 * The one rule for "is this a VPC Lattice version 2.0 event?", shared by the event codec and the echo service.
 *
 * <p>A target group sends version 1 events unless its {@code Config.LambdaEventStructureVersion} is {@code V2}
 * (VPC Lattice User Guide, "Lambda functions as targets"). A version 1 event has {@code raw_path},
 * {@code is_base64_encoded} and {@code query_string_parameters}; a version 2.0 event has {@code path},
 * {@code isBase64Encoded}, {@code queryStringParameters} and {@code "version": "2.0"}. So an event is refused as
 * version 1 when its top level has any of {@link #VERSION_1_FIELDS}, or a {@code version} string starting with
 * {@code 1}. It is refused as unsupported when {@code version} is present but not a string (the number {@code 2.0},
 * say: Lattice sends a string) or a string that does not start with {@code 2}. An absent or {@code null}
 * {@code version} is accepted, as hand-written fixtures often leave it out.
 *
 * <p>Dependency-free: the caller reads the JSON however it likes and reports what it saw.
 */
public final class EventVersion {
    /** The {@code version} Lattice sends in a V2 event. */
    public static final String V2 = "2.0";

    /** Top-level fields that only a version 1 event has: {@code raw_path}, {@code is_base64_encoded}, {@code query_string_parameters}. */
    public static final List<String> VERSION_1_FIELDS =
            List.of("raw_path", "is_base64_encoded", "query_string_parameters");

    /** Why a version 1 event is refused; names the setting to change. */
    public static final String VERSION_1_MESSAGE = "This is a VPC Lattice version 1 event; this code reads version "
            + "2.0: set the target group's LambdaEventStructureVersion to V2.";

    /** Why an event whose {@code version} is not a string starting with 2 is refused; quotes nothing of the input. */
    public static final String UNSUPPORTED_MESSAGE =
            "Unsupported VPC Lattice event version; expected the string \"2.0\"";

    private EventVersion() {}

    /**
     * Tells whether a top-level field name belongs to a version 1 event only.
     *
     * @param topLevelFieldName a field name at the top level of the event; may be null
     * @return true for {@code raw_path}, {@code is_base64_encoded} and {@code query_string_parameters}
     */
    public static boolean isVersion1Field(String topLevelFieldName) {
        return topLevelFieldName != null && VERSION_1_FIELDS.contains(topLevelFieldName);
    }

    /**
     * Applies the rule to what the caller saw at the top level of an event.
     *
     * @param hasVersion1Field whether any top-level field is one of {@link #VERSION_1_FIELDS}
     * @param version the top-level {@code version} when it is a JSON string; null when it is absent, JSON
     *     {@code null}, or not a string
     * @param versionIsOtherJson whether {@code version} is present with a value that is neither a string nor
     *     {@code null} (a number, boolean, object or array)
     * @return empty for an event this project reads as version 2.0; otherwise the message to refuse it with,
     *     {@link #VERSION_1_MESSAGE} or {@link #UNSUPPORTED_MESSAGE}
     */
    public static Optional<String> refusal(boolean hasVersion1Field, String version, boolean versionIsOtherJson) {
        if (hasVersion1Field || (version != null && version.startsWith("1"))) {
            return Optional.of(VERSION_1_MESSAGE);
        }
        if (versionIsOtherJson || (version != null && !version.startsWith("2"))) {
            return Optional.of(UNSUPPORTED_MESSAGE);
        }
        return Optional.empty();
    }
}
