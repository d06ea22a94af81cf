package dev.vpclattice.contract;

import java.util.List;
import java.util.Optional;

/** Which version of the Lambda event an event is, and the message that refuses the wrong one. */
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
