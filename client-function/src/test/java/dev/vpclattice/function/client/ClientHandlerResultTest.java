package dev.vpclattice.function.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shape of the function's result, for each kind of response body. */
class ClientHandlerResultTest {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void writeResult_jsonResponse_embedsBodyAsJson() throws Exception {
        JsonNode result = result(response("application/json; charset=utf-8", "{\"a\":[1,{\"b\":null}]}"));

        assertEquals(200, result.get("statusCode").asInt());
        assertEquals(
                "application/json; charset=utf-8",
                result.get("headers").get("content-type").asText());
        assertEquals(JSON.readTree("{\"a\":[1,{\"b\":null}]}"), result.get("body"));
    }

    @Test
    void writeResult_textResponse_keepsBodyAsString() throws Exception {
        JsonNode result = result(response("text/plain", "{\"looks\":\"like json\"}"));

        assertEquals("{\"looks\":\"like json\"}", result.get("body").asText());
    }

    @Test
    void writeResult_jsonLabelledButInvalid_keepsBodyAsString() throws Exception {
        JsonNode result = result(response("application/json", "{\"truncated\":"));

        assertEquals("{\"truncated\":", result.get("body").asText());
    }

    @Test
    void writeResult_multiValueHeader_joinsValues() throws Exception {
        LatticeResponse response = LatticeResponse.builder()
                .statusCode(204)
                .header("Set-Thing", "a")
                .header("Set-Thing", "b")
                .body(new byte[0])
                .build();

        JsonNode result = result(response);

        assertEquals(JSON.readTree("[\"a\",\"b\"]"), result.get("headers").get("set-thing"));
        assertEquals("", result.get("body").asText());
    }

    @Test
    void writeResult_jsonNumbers_areCopiedExactly() throws Exception {
        String body = "{\"long\":1.000000000000000000001,\"big\":12345678901234567890.5,\"int\":123456789012345678901}";

        JsonNode result = result(response("application/json", body));

        assertEquals(
                "1.000000000000000000001",
                result.get("body").get("long").decimalValue().toPlainString());
        assertEquals(
                "12345678901234567890.5",
                result.get("body").get("big").decimalValue().toPlainString());
        assertEquals(
                "123456789012345678901",
                result.get("body").get("int").bigIntegerValue().toString());
    }

    private static LatticeResponse response(String contentType, String body) {
        return LatticeResponse.builder()
                .statusCode(200)
                .header("Content-Type", contentType)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static JsonNode result(LatticeResponse response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientHandler.writeResult(response, out);
        return JSON.readTree(out.toByteArray());
    }
}
