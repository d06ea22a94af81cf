package dev.vpclattice.events;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.EventVersion.TopLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes VPC Lattice Lambda events of either version, and responses, as JSON with Jackson: lenient with what
 * real inputs vary in, strict about the event version. Thread-safe: create one and share it.
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
                .addMixIn(VpcLatticeV2Request.class, V2RequestAliases.class)
                .addMixIn(VpcLatticeV1Request.class, V1RequestGuards.class)
                .build();
    }

    /**
     * Powertools for Python's V2 test event spells the query {@code query_string_parameters}; real V2 events use
     * {@code queryStringParameters}. Read either.
     */
    private abstract static class V2RequestAliases {
        @JsonAlias("query_string_parameters")
        public abstract void setQueryStringParameters(Map<String, List<String>> queryStringParameters);

        // The guard is for the Lambda runtime's serializer; this codec applies the version rule before binding.
        @JsonIgnore
        public abstract void setRaw_path(String rawPath);
    }

    private abstract static class V1RequestGuards {
        @JsonIgnore
        public abstract void setVersion(String version);
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
        return toEvent(readEventTree(json), EventVersion.V2, VpcLatticeV2Request.class);
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

    /**
     * Parses a V1 event, the structure a target group sends unless its {@code LambdaEventStructureVersion} is V2.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event
     * @throws InvalidLatticeEventException if the input is not JSON, is over one of Jackson's stream limits, is not
     *     an object, is a V2 event or of no known version ({@link EventVersion}), or has a field of the wrong shape
     */
    public VpcLatticeV1Request readV1Request(byte[] json) {
        return toEvent(readEventTree(json), EventVersion.V1, VpcLatticeV1Request.class);
    }

    /**
     * Parses a V1 event from a stream; the stream is read to its end but not closed.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event
     * @throws InvalidLatticeEventException as {@link #readV1Request(byte[])}
     * @throws UncheckedIOException if reading the stream fails
     */
    public VpcLatticeV1Request readV1Request(InputStream json) {
        Objects.requireNonNull(json, "json");
        try {
            return readV1Request(json.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the event failed", e);
        }
    }

    /**
     * Parses an event of either version, in one pass: {@link EventVersion}'s rule decides which, and the result is a
     * {@link VpcLatticeV1Request} or a {@link VpcLatticeV2Request}. For a handler that serves target groups of
     * either setting.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event; {@link VpcLatticeRequest#eventVersion()} tells which
     * @throws InvalidLatticeEventException if the input is not JSON, is over one of Jackson's stream limits, is not
     *     an object, has a {@code version} that is neither absent nor a string starting with 1 or 2, or has a field
     *     of the wrong shape
     */
    public VpcLatticeRequest read(byte[] json) {
        JsonNode tree = readEventTree(json);
        EventVersion version = EventVersion.of(topLevel(tree))
                .orElseThrow(() -> new InvalidLatticeEventException(EventVersion.UNSUPPORTED_MESSAGE));
        return version == EventVersion.V1
                ? toEvent(tree, EventVersion.V1, VpcLatticeV1Request.class)
                : toEvent(tree, EventVersion.V2, VpcLatticeV2Request.class);
    }

    /**
     * Parses an event of either version from a stream; the stream is read to its end but not closed.
     *
     * @param json the event JSON, UTF-8; required
     * @return the event; {@link VpcLatticeRequest#eventVersion()} tells which
     * @throws InvalidLatticeEventException as {@link #read(byte[])}
     * @throws UncheckedIOException if reading the stream fails
     */
    public VpcLatticeRequest read(InputStream json) {
        Objects.requireNonNull(json, "json");
        try {
            return read(json.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the event failed", e);
        }
    }

    private JsonNode readEventTree(byte[] json) {
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
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            throw new InvalidLatticeEventException("A VPC Lattice event must be a JSON object, got "
                    + (tree == null || tree.isMissingNode()
                            ? "nothing"
                            : tree.getNodeType().toString()));
        }
        return tree;
    }

    private static boolean hasVersion1Field(JsonNode tree) {
        for (String field : EventVersion.VERSION_1_FIELDS) {
            if (tree.has(field)) {
                return true;
            }
        }
        return false;
    }

    private static TopLevel topLevel(JsonNode tree) {
        JsonNode version = tree.path("version");
        TopLevel seen;
        if (version.isTextual()) {
            seen = TopLevel.version(version.textValue());
        } else if (version.isMissingNode() || version.isNull()) {
            seen = TopLevel.version(null);
        } else {
            seen = TopLevel.versionNotAString();
        }
        return seen.withVersion1Field(hasVersion1Field(tree));
    }

    private <T> T toEvent(JsonNode tree, EventVersion reader, Class<T> type) {
        reader.refusal(topLevel(tree)).ifPresent(message -> {
            throw new InvalidLatticeEventException(message);
        });
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new InvalidLatticeEventException(
                    "The event does not have the " + reader + " shape: " + e.getOriginalMessage(), e);
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
     * Writes a V1 event as JSON with Lattice's snake_case names, leaving out null fields.
     *
     * @param request the event; required
     * @return UTF-8 JSON
     */
    public byte[] writeV1Request(VpcLatticeV1Request request) {
        return write(Objects.requireNonNull(request, "request"));
    }

    /**
     * Parses a response a Lambda target returned; V1 and V2 targets answer in the same shape.
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
                    "The response does not have the response shape: " + e.getOriginalMessage(), e);
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
