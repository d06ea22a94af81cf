package dev.vpclattice.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The one rule for turning an event's or response's body field into bytes. */
final class Bodies {
    private Bodies() {}

    static byte[] decode(String body, boolean isBase64Encoded, String what) {
        if (body == null) {
            return new byte[0];
        }
        if (!isBase64Encoded) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            // The length, not the text: a body may carry anything.
            throw new InvalidLatticeEventException(
                    "The " + what + " is marked isBase64Encoded but is not valid base64 (" + body.length() + " chars)",
                    e);
        }
    }
}
