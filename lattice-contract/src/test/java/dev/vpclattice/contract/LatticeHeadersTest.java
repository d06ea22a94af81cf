package dev.vpclattice.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatticeHeadersTest {
    @Test
    void parseMap_theUserGuidesFormats() {
        // "HTTP targets in VPC Lattice": the target header with a bare ';', the generic format with a trailing ';'.
        assertEquals(
                Map.of("ServiceArn", "arn:s", "ServiceNetworkArn", "arn:sn", "TargetGroupArn", "arn:tg"),
                LatticeHeaders.parseMap("ServiceArn=arn:s;ServiceNetworkArn=arn:sn;TargetGroupArn=arn:tg"));
        assertEquals(
                List.of("key-0", "key-1"),
                List.copyOf(
                        LatticeHeaders.parseMap("key-0=value-0;key-1=value-1;").keySet()));
        assertEquals(
                Map.of("X509SAN/DNS", "client.example.com", "X509Subject/CN", "client"),
                LatticeHeaders.parseMap("X509SAN/DNS=client.example.com;X509Subject/CN=client"));
    }

    @Test
    void parseMap_escapedSemicolonsEqualsSignsEmptyValuesAndStrayPieces() {
        Map<String, String> map = LatticeHeaders.parseMap(
                "team=a\\;b;;expr=x=1;empty=;noequals; spaced = kept ;=nokey;team=second;trailing\\\\x=y");

        assertEquals("a;b", map.get("team"), "\\; is a semicolon; a repeated key keeps its first value");
        assertEquals("x=1", map.get("expr"), "the value is everything after the first '='");
        assertEquals("", map.get("empty"));
        assertEquals(" kept ", map.get("spaced"), "keys are stripped, values are not");
        assertEquals("y", map.get("trailing\\\\x"), "a backslash before anything but ';' is literal");
        assertFalse(map.containsKey("noequals"));
        assertFalse(map.containsKey(""));
        assertEquals(5, map.size(), map.toString());
    }

    @Test
    void parseMap_nullEmptyOrGarbage_isEmptyAndNeverThrows() {
        assertEquals(Map.of(), LatticeHeaders.parseMap(null));
        assertEquals(Map.of(), LatticeHeaders.parseMap(""));
        assertEquals(Map.of(), LatticeHeaders.parseMap(";;;\\"));
        assertEquals(Map.of(), LatticeHeaders.parseMap("just text"));
    }

    @Test
    void formatMap_escapesSemicolonsAndParseMapReadsItBack() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("principal", "arn:aws:iam::123456789012:role/r");
        map.put("team", "a;b");
        map.put("empty", "");

        String header = LatticeHeaders.formatMap(map);

        assertEquals("principal=arn:aws:iam::123456789012:role/r;team=a\\;b;empty=;", header);
        assertEquals(map, LatticeHeaders.parseMap(header));
    }

    @Test
    void formatMap_keyThatCannotBeRead_isRefused() {
        for (String key : List.of("", "a;b", "a=b")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> LatticeHeaders.formatMap(Map.of(key, "v")), key);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
    }

    @Test
    void isLatticeHeader_anyCase() {
        assertTrue(LatticeHeaders.isLatticeHeader("X-Amzn-Lattice-Identity"));
        assertTrue(LatticeHeaders.isLatticeHeader(LatticeHeaders.IDENTITY_TAGS));
        assertFalse(LatticeHeaders.isLatticeHeader("x-amzn-requestid"));
        assertFalse(LatticeHeaders.isLatticeHeader(null));
    }
}
