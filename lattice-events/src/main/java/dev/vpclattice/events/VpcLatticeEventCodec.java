package dev.vpclattice.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads and writes VPC Lattice V2 events and responses as JSON with Jackson.
 *
 * <p>Lenient where real inputs vary: unknown fields are ignored (AWS adds identity fields over time), a plain string
 * is accepted where a list is expected (some fixtures send {@code "queryStringParameters": {"id": "1"}}), and a
 * numeric {@code timeEpoch} is read as text. Strict where a mistake is likely: a version 1 event, the target
 * group's default, is refused with a message naming the setting to change (a {@link #VERSION_1_FIELDS} field, or a
 * {@code version} starting with 1), and so is a {@code version} that is not a string starting with 2 (absent or
 * null is accepted). Writing leaves out null fields.
 *
 * <p>Thread-safe: create one and share it.
 */
public final class VpcLatticeEventCodec {
    /**
     * Top-level fields that only a version 1 event has: any of them makes {@link #readRequest(byte[])} refuse the
     * event as version 1. The service function keeps a copy of this list (it cannot depend on this module); a test
     * there checks that the two agree.
     */
    public static final List<String> VERSION_1_FIELDS =
            List.of("raw_path", "is_base64_encoded", "query_string_parameters");

    private final ObjectMapper mapper;

    /** Creates a codec with its own Jackson mapper. */
    public VpcLatticeEventCodec() {
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
    }

    /**
     * Parses a V2 event.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event
     * @throws InvalidLatticeEventException if the input is not JSON, not an object, a version 1 event, or has a
     *     field of the wrong shape
     */
    public VpcLatticeV2Request readRequest(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException("The event is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the event failed", e);
        }
        return toRequest(tree);
    }

    /**
     * Parses a V2 event from a stream; the stream is read to its end but not closed.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event
     * @throws InvalidLatticeEventException as {@link #readRequest(byte[])}
     * @throws UncheckedIOException if reading the stream fails
     */
    public VpcLatticeV2Request readRequest(InputStream json) {
        Objects.requireNonNull(json, "json");
        try {
            return readRequest(json.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the event failed", e);
        }
    }

    private VpcLatticeV2Request toRequest(JsonNode tree) {
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            throw new InvalidLatticeEventException("A VPC Lattice event must be a JSON object, got "
                    + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().toString()));
        }
        // Lattice sends the version as a string; a number or anything else is not a Lattice event, and accepting it
        // here while the service function refuses it would make the two disagree about the same input.
        JsonNode versionNode = tree.path("version");
        String version = versionNode.isTextual() ? versionNode.textValue() : null;
        if (VERSION_1_FIELDS.stream().anyMatch(tree::has) || (version != null && version.startsWith("1"))) {
            throw new InvalidLatticeEventException("This is a VPC Lattice version 1 event; this code reads "
                    + "version 2.0. Set the target group's LambdaEventStructureVersion to V2.");
        }
        if (!versionNode.isMissingNode() && !versionNode.isNull() && !versionNode.isTextual()) {
            throw new InvalidLatticeEventException("Unsupported VPC Lattice event version: a "
                    + versionNode.getNodeType().toString().toLowerCase(Locale.ROOT) + "; expected the string \"2.0\"");
        }
        if (version != null && !version.startsWith("2")) {
            throw new InvalidLatticeEventException("Unsupported VPC Lattice event version '" + version
                    + "'; expected 2.0");
        }
        try {
            return mapper.treeToValue(tree, VpcLatticeV2Request.class);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException("The event does not have the V2 shape: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes an event as JSON, leaving out null fields.
     *
     * @param request the event; required
     * @return UTF-8 JSON
     */
    public byte[] writeRequest(VpcLatticeV2Request request) {
        return write(Objects.requireNonNull(request, "request"));
    }

    /**
     * Parses a response a Lambda target returned.
     *
     * @param json the response JSON, UTF-8; required
     * @return the response
     * @throws InvalidLatticeEventException if the input is not a JSON object of the response shape
     */
    public VpcLatticeV2Response readResponse(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException("The response is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the response failed", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidLatticeEventException("A VPC Lattice response must be a JSON object, got "
                    + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().toString()));
        }
        try {
            return mapper.treeToValue(tree, VpcLatticeV2Response.class);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException("The response does not have the V2 shape: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a response as JSON, leaving out null fields.
     *
     * @param response the response; required
     * @return UTF-8 JSON
     */
    public byte[] writeResponse(VpcLatticeV2Response response) {
        return write(Objects.requireNonNull(response, "response"));
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
