package dev.vpclattice.contract;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The two structures of the Lambda event, named as the target group setting {@value #SETTING} names them, and the
 * rule that tells which one an event is.
 */
public enum EventVersion {
    /** Snake_case fields, one string per header, no {@code requestContext}: the target group's default. */
    V1,

    /** {@code "version": "2.0"}, camelCase fields, a list per header, and a {@code requestContext}. */
    V2;

    /** The target group setting that chooses the structure ({@code Config.LambdaEventStructureVersion}). */
    public static final String SETTING = "LambdaEventStructureVersion";

    /** The {@code version} Lattice sends in a V2 event. */
    public static final String V2_VERSION = "2.0";

    /** Top-level fields that only a version 1 event has: {@code raw_path}, {@code is_base64_encoded}, {@code query_string_parameters}. */
    public static final List<String> VERSION_1_FIELDS =
            List.of("raw_path", "is_base64_encoded", "query_string_parameters");

    /** How a V1 event joins the values of a repeated header into its one string. */
    public static final String V1_HEADER_SEPARATOR = ", ";

    /** Why code that reads V2 refuses a V1 event; names the setting to change. */
    public static final String VERSION_1_MESSAGE = "This is a VPC Lattice version 1 event (no \"version\" field); "
            + "this code reads version 2.0: set the target group's " + SETTING + " to V2 (the default is V1), "
            + "or read the event as V1.";

    /** Why code that reads V1 refuses a V2 event; names the setting to change. */
    public static final String VERSION_2_MESSAGE = "This is a VPC Lattice version 2.0 event (\"version\": \"2.0\"); "
            + "this code reads version 1: set the target group's " + SETTING + " to V1, or read the event as V2.";

    /** Why an event whose {@code version} is neither a string starting with 1 or 2 nor absent is refused; quotes nothing of the input. */
    public static final String UNSUPPORTED_MESSAGE =
            "Unsupported VPC Lattice event version; expected the string \"2.0\" or no version (V1)";

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
     * Tells which version an event is, reading its {@code version} field before any field name: a V2 event carries
     * {@code "version": "2.0"} even where a test fixture spells its other fields the V1 way.
     *
     * @param event what the event's top level shows; required
     * @return V2 for a version string starting with {@code 2}; V1 for one starting with {@code 1}; with no version,
     *     V1 when a V1 field is present and V2 otherwise; empty for any other version
     */
    public static Optional<EventVersion> of(TopLevel event) {
        Objects.requireNonNull(event, "event");
        if (event.versionNotAString) {
            return Optional.empty();
        }
        if (event.version == null) {
            return Optional.of(event.version1Field ? V1 : V2);
        }
        if (event.version.startsWith("2")) {
            return Optional.of(V2);
        }
        if (event.version.startsWith("1")) {
            return Optional.of(V1);
        }
        return Optional.empty();
    }

    /**
     * Applies the rule for code that reads this version.
     *
     * @param event what the event's top level shows; required
     * @return empty when the event is this version; otherwise the message to refuse it with:
     *     {@link #VERSION_1_MESSAGE}, {@link #VERSION_2_MESSAGE} or {@link #UNSUPPORTED_MESSAGE}
     */
    public Optional<String> refusal(TopLevel event) {
        Optional<EventVersion> received = of(event);
        if (received.isEmpty()) {
            return Optional.of(UNSUPPORTED_MESSAGE);
        }
        return received.get() == this
                ? Optional.empty()
                : Optional.of(received.get().mismatchMessage());
    }

    /**
     * Returns why code that reads the other version refuses an event of this version.
     *
     * @return {@link #VERSION_1_MESSAGE} for V1, {@link #VERSION_2_MESSAGE} for V2
     */
    public String mismatchMessage() {
        return this == V1 ? VERSION_1_MESSAGE : VERSION_2_MESSAGE;
    }

    /**
     * What the top level of an event shows about its version: its {@code version} field, and whether it has one of
     * {@link #VERSION_1_FIELDS}. Immutable; start with {@link #version(String)} or {@link #versionNotAString()}.
     */
    public static final class TopLevel {
        private final String version;
        private final boolean versionNotAString;
        private final boolean version1Field;

        private TopLevel(String version, boolean versionNotAString, boolean version1Field) {
            this.version = version;
            this.versionNotAString = versionNotAString;
            this.version1Field = version1Field;
        }

        /**
         * Starts from an event whose {@code version} is a JSON string, absent, or JSON {@code null}, with no V1 field.
         *
         * @param version the string; null when the field is absent or JSON {@code null}
         * @return the top level
         */
        public static TopLevel version(String version) {
            return new TopLevel(version, false, false);
        }

        /**
         * Starts from an event whose {@code version} is a number, boolean, object or array, with no V1 field.
         *
         * @return the top level; no version reads it
         */
        public static TopLevel versionNotAString() {
            return new TopLevel(null, true, false);
        }

        /**
         * Records whether the event has a top-level field that only version 1 events have.
         *
         * @param present whether any of {@link #VERSION_1_FIELDS} is a top-level field
         * @return a top level with the same {@code version}
         */
        public TopLevel withVersion1Field(boolean present) {
            return new TopLevel(version, versionNotAString, present);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TopLevel
                    && Objects.equals(version, ((TopLevel) o).version)
                    && versionNotAString == ((TopLevel) o).versionNotAString
                    && version1Field == ((TopLevel) o).version1Field;
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, versionNotAString, version1Field);
        }

        @Override
        public String toString() {
            // The version is the sender's text: only whether it is one, never what it says.
            return "TopLevel{version=" + (versionNotAString ? "not a string" : version == null ? "absent" : "a string")
                    + ", version1Field=" + version1Field + "}";
        }
    }
}
