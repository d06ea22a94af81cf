package dev.vpclattice.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vpclattice.contract.EventVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Reads and writes VPC Lattice V2 events and responses as JSON with Jackson.
 *
 * <p>Lenient where real inputs vary: unknown fields are ignored (AWS adds identity fields over time), a plain string
 * is accepted where a list is expected (some fixtures send {@code "queryStringParameters": {"id": "1"}}), and a
 * numeric {@code timeEpoch} is read as text, and every spelling of the identity fields is read (see
 * {@link VpcLatticeV2Request.Identity}). Strict where a mistake is likely: the version rule of
 * {@link EventVersion} refuses a version 1 event, the target group's default, with a message naming the setting to
 * change. Writing leaves out null fields and writes each identity field under one spelling.
 *
 * <p>Thread-safe: create one and share it.
 */
public final class VpcLatticeEventCodec {
    private final ObjectMapper mapper;

    /** Creates a codec with its own Jackson mapper. */
    public VpcLatticeEventCodec() {
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .addMixIn(VpcLatticeV2Request.Identity.class, IdentityAliases.class)
                .build();
    }

    /** The alternative spellings are read into the public alias fields but never written: the getters cover them. */
    @SuppressWarnings("unused")
    private abstract static class IdentityAliases {
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String X509SubjectCn;

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String X509IssuerOu;

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String X509SanNameCn;

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String X509SanUri;
    }

    /**
     * Parses a V2 event.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event
     * @throws InvalidLatticeEventException if the input is not JSON, is over one of Jackson's stream limits (a
     *     number longer than 1,000 digits, say), is not an object, is refused by {@link EventVersion}, or has a field
     *     of the wrong shape
     */
    public VpcLatticeV2Request readRequest(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new InvalidLatticeEventException(
                    "The event is over a JSON parser limit: " + e.getOriginalMessage(), e);
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
                    + (tree == null || tree.isMissingNode()
                            ? "nothing"
                            : tree.getNodeType().toString()));
        }
        boolean hasVersion1Field = EventVersion.VERSION_1_FIELDS.stream().anyMatch(tree::has);
        JsonNode version = tree.path("version");
        EventVersion.refusal(
                        hasVersion1Field,
                        version.isTextual() ? version.textValue() : null,
                        !version.isMissingNode() && !version.isNull() && !version.isTextual())
                .ifPresent(message -> {
                    throw new InvalidLatticeEventException(message);
                });
        try {
            return mapper.treeToValue(tree, VpcLatticeV2Request.class);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException(
                    "The event does not have the V2 shape: " + e.getOriginalMessage(), e);
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
        } catch (StreamConstraintsException e) {
            throw new InvalidLatticeEventException(
                    "The response is over a JSON parser limit: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException("The response is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the response failed", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidLatticeEventException("A VPC Lattice response must be a JSON object, got "
                    + (tree == null || tree.isMissingNode()
                            ? "nothing"
                            : tree.getNodeType().toString()));
        }
        try {
            return mapper.treeToValue(tree, VpcLatticeV2Response.class);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException(
                    "The response does not have the V2 shape: " + e.getOriginalMessage(), e);
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
            throw new IllegalStateException(
                    "Could not write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
