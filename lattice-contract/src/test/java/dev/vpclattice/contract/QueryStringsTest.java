package dev.vpclattice.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryStringsTest {
    @Test
    void parse_plusSign_staysAPlusWhilePercent20IsASpace() {
        assertEquals(Map.of("q", List.of("a+b")), QueryStrings.parse("q=a+b"));
        assertEquals(Map.of("q", List.of("a b")), QueryStrings.parse("q=a%20b"));
        assertEquals(Map.of("q", List.of("a+b")), QueryStrings.parse("q=a%2Bb"));
        assertEquals(Map.of("c++", List.of("1")), QueryStrings.parse("c++=1"));
    }

    @Test
    void parse_repeatedNamesFlagsAndEmptyPieces_keepOrderAndEveryValue() {
        Map<String, List<String>> p = QueryStrings.parse("tag=a&flag&&empty=&tag=b&=anonymous&x=1=2");

        assertEquals(List.of("tag", "flag", "empty", "", "x"), List.copyOf(p.keySet()));
        assertEquals(List.of("a", "b"), p.get("tag"));
        assertEquals(List.of(""), p.get("flag"));
        assertEquals(List.of(""), p.get("empty"));
        assertEquals(List.of("anonymous"), p.get(""));
        assertEquals(List.of("1=2"), p.get("x"), "only the first = splits name from value");
    }

    @Test
    void parse_percentEscapes_decodeAsUtf8InNamesAndValues() {
        assertEquals(Map.of("na me", List.of("caf\u00e9 \u20ac")), QueryStrings.parse("na%20me=caf%C3%A9%20%E2%82%AC"));
        assertEquals(Map.of("a", List.of("1&b=2")), QueryStrings.parse("a=1%26b%3D2"));
    }

    @Test
    void parse_malformedEscape_keepsThatPartAsSentAndDecodesTheRest() {
        Map<String, List<String>> p = QueryStrings.parse("bad=%zz&trailing=%&ok=%41&mixed%2=x");

        assertEquals(List.of("%zz"), p.get("bad"));
        assertEquals(List.of("%"), p.get("trailing"));
        assertEquals(List.of("A"), p.get("ok"));
        assertEquals(List.of("x"), p.get("mixed%2"));
    }

    @Test
    void parseStrict_malformedEscape_namesThePositionButNotTheText() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> QueryStrings.parseStrict("ok=1&token=SECRET%zz"));

        assertTrue(e.getMessage().contains("value of query parameter 2"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        assertNull(e.getCause(), "the decoder's message would quote the text");
        assertEquals(Map.of("q", List.of("a+b", "c d")), QueryStrings.parseStrict("q=a+b&q=c%20d"));
    }

    @Test
    void parse_nullOrEmpty_isAnEmptyMap() {
        assertEquals(Map.of(), QueryStrings.parse(null));
        assertEquals(Map.of(), QueryStrings.parse(""));
        assertEquals(Map.of(), QueryStrings.parseStrict("&&"));
    }

    @Test
    void parse_result_isUnmodifiable() {
        Map<String, List<String>> p = QueryStrings.parse("a=1");

        assertThrows(UnsupportedOperationException.class, () -> p.put("b", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> p.get("a").add("2"));
    }

    @Test
    void withoutQueryAndQueryOf_splitAtTheFirstQuestionMark() {
        assertEquals("/orders", QueryStrings.withoutQuery("/orders?id=1&x=?"));
        assertEquals("/orders", QueryStrings.withoutQuery("/orders"));
        assertEquals("/orders", QueryStrings.withoutQuery("/orders?"));
        assertNull(QueryStrings.withoutQuery(null));

        assertEquals("id=1&x=?", QueryStrings.queryOf("/orders?id=1&x=?"));
        assertEquals("", QueryStrings.queryOf("/orders?"));
        assertNull(QueryStrings.queryOf("/orders"));
        assertNull(QueryStrings.queryOf(null));
    }
}
