package dev.vpclattice.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.contract.EventVersion.TopLevel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventVersionTest {
    @Test
    void of_versionStringDecidesBeforeAnyFieldName() {
        assertEquals(Optional.of(EventVersion.V2), EventVersion.of(TopLevel.version("2.0")));
        assertEquals(Optional.of(EventVersion.V2), EventVersion.of(TopLevel.version("2.1")));
        // Powertools for Python's V2 test event: "version": "2.0" beside a snake_case query_string_parameters.
        assertEquals(
                Optional.of(EventVersion.V2),
                EventVersion.of(TopLevel.version("2.0").withVersion1Field(true)),
                "version wins over names");
        assertEquals(Optional.of(EventVersion.V1), EventVersion.of(TopLevel.version("1.0")));
    }

    @Test
    void of_noVersion_isV1WithAVersion1FieldElseV2() {
        assertEquals(
                Optional.of(EventVersion.V1),
                EventVersion.of(TopLevel.version(null).withVersion1Field(true)),
                "raw_path, no version");
        assertEquals(Optional.of(EventVersion.V2), EventVersion.of(TopLevel.version(null)), "absent or JSON null");
    }

    @Test
    void of_versionNotAStringOrNeither1Nor2_isUnsupported() {
        assertEquals(
                Optional.empty(), EventVersion.of(TopLevel.versionNotAString()), "a number, boolean, object or array");
        assertEquals(
                Optional.empty(), EventVersion.of(TopLevel.versionNotAString().withVersion1Field(true)));
        assertEquals(Optional.empty(), EventVersion.of(TopLevel.version("3.0")));
        assertEquals(Optional.empty(), EventVersion.of(TopLevel.version("").withVersion1Field(true)));
    }

    @Test
    void refusal_eachReaderRefusesTheOtherVersionNamingTheSetting() {
        assertEquals(Optional.empty(), EventVersion.V2.refusal(TopLevel.version("2.0")));
        assertEquals(
                Optional.empty(), EventVersion.V1.refusal(TopLevel.version(null).withVersion1Field(true)));
        assertEquals(
                Optional.of(EventVersion.VERSION_1_MESSAGE),
                EventVersion.V2.refusal(TopLevel.version(null).withVersion1Field(true)));
        assertEquals(
                Optional.of(EventVersion.VERSION_2_MESSAGE),
                EventVersion.V1.refusal(TopLevel.version("2.0").withVersion1Field(true)));
        assertEquals(Optional.of(EventVersion.UNSUPPORTED_MESSAGE), EventVersion.V1.refusal(TopLevel.version("3.0")));
        assertEquals(
                Optional.of(EventVersion.UNSUPPORTED_MESSAGE), EventVersion.V2.refusal(TopLevel.versionNotAString()));

        assertTrue(EventVersion.VERSION_1_MESSAGE.contains("LambdaEventStructureVersion to V2"));
        assertTrue(EventVersion.VERSION_1_MESSAGE.contains("the default is V1"));
        assertTrue(EventVersion.VERSION_2_MESSAGE.contains("LambdaEventStructureVersion to V1"));
        assertEquals(EventVersion.VERSION_1_MESSAGE, EventVersion.V1.mismatchMessage());
        assertEquals(EventVersion.VERSION_2_MESSAGE, EventVersion.V2.mismatchMessage());
    }

    @Test
    void topLevel_isAnImmutableValueThatQuotesNothing() {
        TopLevel plain = TopLevel.version("2.0-secret");
        TopLevel withField = plain.withVersion1Field(true);

        assertEquals(Optional.of(EventVersion.V2), EventVersion.of(plain), "the original is unchanged");
        assertEquals(TopLevel.version("2.0-secret").withVersion1Field(true), withField);
        assertEquals(
                withField.hashCode(),
                TopLevel.version("2.0-secret").withVersion1Field(true).hashCode());
        assertFalse(plain.equals(withField));
        assertFalse(TopLevel.version(null).equals(TopLevel.versionNotAString()));
        assertFalse(withField.toString().contains("secret"), withField.toString());
    }

    @Test
    void namesAreTheSettingsValues() {
        // CloudFormation and the API take exactly these: "Allowed values: V1 | V2".
        assertEquals("V1", EventVersion.V1.name());
        assertEquals("V2", EventVersion.V2.name());
        assertEquals("LambdaEventStructureVersion", EventVersion.SETTING);
    }

    @Test
    void isVersion1Field_onlyTheSnakeCaseTopLevelNames() {
        for (String field : List.of("raw_path", "is_base64_encoded", "query_string_parameters")) {
            assertTrue(EventVersion.isVersion1Field(field), field);
        }
        for (String field : List.of("path", "isBase64Encoded", "queryStringParameters", "version", "RAW_PATH")) {
            assertFalse(EventVersion.isVersion1Field(field), field);
        }
        assertFalse(EventVersion.isVersion1Field(null));
    }
}
