package dev.vpclattice.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventVersionTest {
    @Test
    void refusal_v2StringOrAbsentOrNull_isAccepted() {
        assertEquals(Optional.empty(), EventVersion.refusal(false, "2.0", false));
        assertEquals(Optional.empty(), EventVersion.refusal(false, "2.1", false));
        assertEquals(Optional.empty(), EventVersion.refusal(false, null, false), "absent or JSON null");
    }

    @Test
    void refusal_anyVersion1FieldOrVersionString1_isVersion1NamingTheSetting() {
        for (String field : List.of("raw_path", "is_base64_encoded", "query_string_parameters")) {
            assertTrue(EventVersion.isVersion1Field(field), field);
        }
        assertEquals(Optional.of(EventVersion.VERSION_1_MESSAGE), EventVersion.refusal(true, "2.0", false));
        assertEquals(Optional.of(EventVersion.VERSION_1_MESSAGE), EventVersion.refusal(false, "1.0", false));
        assertTrue(EventVersion.VERSION_1_MESSAGE.contains("LambdaEventStructureVersion to V2"));
    }

    @Test
    void refusal_versionNotAStringOrNot2_isUnsupported() {
        assertEquals(Optional.of(EventVersion.UNSUPPORTED_MESSAGE), EventVersion.refusal(false, null, true));
        assertEquals(Optional.of(EventVersion.UNSUPPORTED_MESSAGE), EventVersion.refusal(false, "3.0", false));
        assertEquals(Optional.of(EventVersion.UNSUPPORTED_MESSAGE), EventVersion.refusal(false, "", false));
        assertTrue(EventVersion.UNSUPPORTED_MESSAGE.contains("expected the string \"2.0\""));
    }

    @Test
    void isVersion1Field_v2NamesAndNull_areNot() {
        for (String field : List.of("path", "isBase64Encoded", "queryStringParameters", "version", "RAW_PATH")) {
            assertFalse(EventVersion.isVersion1Field(field), field);
        }
        assertFalse(EventVersion.isVersion1Field(null));
    }
}
