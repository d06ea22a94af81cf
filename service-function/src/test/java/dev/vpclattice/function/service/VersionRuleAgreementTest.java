package dev.vpclattice.function.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vpclattice.events.InvalidLatticeEventException;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.function.service.internal.EventEcho;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The echo (streaming, no databind) and {@link VpcLatticeEventCodec} must give one answer to "is this a V2 event":
 * the same events accepted, the same refused as version 1, the same refused for their version.
 */
class VersionRuleAgreementTest {
    private static final String V1_HINT = "LambdaEventStructureVersion to V2";
    private final VpcLatticeEventCodec codec = new VpcLatticeEventCodec();
    private final EchoHandler handler = new EchoHandler(EchoHandler.DEFAULT_REDACTED_HEADERS, line -> { });

    @Test
    void versionOneFields_echoCopyEqualsTheCodecList() {
        assertEquals(VpcLatticeEventCodec.VERSION_1_FIELDS, EventEcho.VERSION_1_FIELDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"version\":\"2.0\"", "\"version\":null", "\"other\":1", "\"version\":\"2.1\"",
        "\"version\":2.0", "\"version\":2", "\"version\":1.0", "\"version\":true", "\"version\":{\"v\":\"2.0\"}",
        "\"version\":\"3.0\"", "\"version\":\"1.0\"",
        "\"version\":\"2.0\",\"raw_path\":\"/\"", "\"version\":\"2.0\",\"is_base64_encoded\":false",
        "\"version\":\"2.0\",\"query_string_parameters\":{}", "\"query_string_parameters\":{\"id\":\"1\"}"})
    void echoAndCodec_acceptAndRefuseTheSameEvents(String fields) throws IOException {
        byte[] event = ("{" + fields + ",\"method\":\"GET\",\"path\":\"/\"}").getBytes(StandardCharsets.UTF_8);

        String codecVerdict;
        try {
            codec.readRequest(event);
            codecVerdict = "accepted";
        } catch (InvalidLatticeEventException e) {
            codecVerdict = e.getMessage().contains(V1_HINT) ? "version 1" : "refused";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        VpcLatticeV2Response r = codec.readResponse(out.toByteArray());
        String echoVerdict = r.getStatusCode() == 200 ? "accepted"
                : r.getStatusCode() == 400 && r.getBody().contains(V1_HINT) ? "version 1" : "refused";

        assertEquals(codecVerdict, echoVerdict, fields + " -> " + r.getBody());
    }
}
