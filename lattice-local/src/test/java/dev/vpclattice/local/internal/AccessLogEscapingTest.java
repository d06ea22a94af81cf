package dev.vpclattice.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What reaches the access log of a client's method or path: one line, no terminal escapes, bounded. */
class AccessLogEscapingTest {
    @Test
    void controlCharacters_areEscaped_soNoLineCanBeForged() {
        assertEquals("/a\\x09b\\x0d\\x0aGET /forged 200", LatticeExchangeHandler.loggable("/a\tb\r\nGET /forged 200"));
        assertEquals("/x\\x1b[31mred\\x9b2J\\x7f", LatticeExchangeHandler.loggable("/x\u001b[31mred\u009b2J\u007f"));
    }

    @Test
    void backslashes_areDoubled_soAnEscapeCannotBeImitated() {
        assertEquals("/a\\\\x0ab", LatticeExchangeHandler.loggable("/a\\x0ab"));
    }

    @Test
    void longValues_areCut_andMarkedWithTheirLength() {
        String logged = LatticeExchangeHandler.loggable("/" + "p".repeat(9999));

        assertTrue(logged.endsWith("...(10000 chars)"), logged);
        assertEquals(LatticeExchangeHandler.MAX_LOGGED_CHARS + "...(10000 chars)".length(), logged.length());
    }

    @Test
    void printableText_isUnchanged() {
        assertEquals("/orders/a%20b;v=1", LatticeExchangeHandler.loggable("/orders/a%20b;v=1"));
        assertEquals("-", LatticeExchangeHandler.loggable(null));
    }
}
