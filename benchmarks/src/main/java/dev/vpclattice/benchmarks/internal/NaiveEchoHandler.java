package dev.vpclattice.benchmarks.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The reference point the issue describes, not shipped anywhere: the echo written the obvious way with
 * jackson-databind (tree in, tree out) and the same redaction. Benchmarks compare the real echo with it.
 *
 * <p>Handler string: {@code dev.vpclattice.benchmarks.internal.NaiveEchoHandler}.
 */
public final class NaiveEchoHandler implements RequestStreamHandler {
    private static final Set<String> REDACTED =
            Set.of("authorization", "proxy-authorization", "cookie", "x-amz-security-token", "x-api-key");

    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Echoes the event: parsed into a tree, credential headers redacted, written back as the body of a 200.
     *
     * @param input the event JSON
     * @param output receives the Lattice response JSON
     * @param context ignored; may be null
     * @throws IOException if the input is not JSON or writing fails
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = mapper.readTree(input);
        if (event.get("headers") instanceof ObjectNode headers) {
            for (Map.Entry<String, JsonNode> header : headers.properties()) {
                if (REDACTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    ArrayNode values = mapper.createArrayNode();
                    header.getValue().forEach(v -> values.add("[REDACTED]"));
                    header.setValue(values);
                }
            }
        }
        ObjectNode response = mapper.createObjectNode();
        response.put("statusCode", 200);
        response.put("statusDescription", "200 OK");
        response.putObject("headers").put("content-type", "application/json");
        response.put("isBase64Encoded", false);
        response.put("body", mapper.writeValueAsString(event));
        mapper.writeValue(output, response);
    }
}
