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
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writeResult_jsonResponse_embedsBodyAsJson() throws Exception {
        JsonNode result = result(response("application/json; charset=utf-8", "{\"a\":[1,{\"b\":null}]}"));

        assertEquals(200, result.get("statusCode").asInt());
        assertEquals("application/json; charset=utf-8", result.get("headers").get("content-type").asText());
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
        LatticeResponse response = LatticeResponse.builder().statusCode(204)
                .header("Set-Thing", "a").header("Set-Thing", "b").body(new byte[0]).build();

        JsonNode result = result(response);

        assertEquals("a,b", result.get("headers").get("set-thing").asText());
        assertEquals("", result.get("body").asText());
    }

    private static LatticeResponse response(String contentType, String body) {
        return LatticeResponse.builder().statusCode(200).header("Content-Type", contentType)
                .body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static JsonNode result(LatticeResponse response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientHandler.writeResult(response, out);
        return JSON.readTree(out.toByteArray());
    }
}
