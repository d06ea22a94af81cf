package dev.vpclattice.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FloorHandlerTest {
    @Test
    void handleRequest_anyEvent_answersA200LatticeResponse() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new FloorHandler()
                .handleRequest(
                        new ByteArrayInputStream("{\"version\":\"2.0\"}".getBytes(StandardCharsets.UTF_8)), out, null);

        JsonNode answer = new ObjectMapper().readTree(out.toByteArray());
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals(
                "application/json", answer.get("headers").get("content-type").asText());
        assertEquals(
                true,
                new ObjectMapper()
                        .readTree(answer.get("body").asText())
                        .get("ok")
                        .asBoolean());
    }
}
