package dev.vpclattice.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleEventsTest {
    @ParameterizedTest
    @ValueSource(ints = {1024, 1048576})
    void postJson_isAV2EventOfAboutTheRequestedSizeWithAJsonBody(int size) throws Exception {
        byte[] event = SampleEvents.postJson(size);

        assertTrue(Math.abs(event.length - size) <= 64, () -> "wanted about " + size + ", got " + event.length);
        ObjectMapper json = new ObjectMapper();
        JsonNode tree = json.readTree(event);
        assertEquals("2.0", tree.get("version").asText());
        assertEquals("POST", tree.get("method").asText());
        assertTrue(json.readTree(tree.get("body").asText()).get("items").isArray(), "the body is a JSON document");
    }
}
