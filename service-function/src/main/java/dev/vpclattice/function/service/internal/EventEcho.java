package dev.vpclattice.function.service.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.PayloadLimits;
import dev.vpclattice.contract.QueryStrings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a VPC Lattice event, V1 or V2, into the echo service's response in one streaming pass: every token is copied
 * as received (numbers exactly, unknown fields included) except the values of redacted headers, which become
 * {@link #REDACTED}. Bad input becomes a 400 response, never an exception; an echo larger than
 * {@link PayloadLimits#MAX_PAYLOAD_BYTES} becomes a 413. Which version an event is, is decided by
 * {@link EventVersion}, the rule the event model's codec applies too.
 *
 * <p>Thread-safe.
 */
public final class EventEcho {
    /** What a redacted header value is replaced with. */
    public static final String REDACTED = "[REDACTED]";

    /** Why an event whose {@code headers} is neither an object nor null is refused. */
    static final String HEADERS_SHAPE_MESSAGE = "headers must be an object of arrays or strings";

    private final JsonFactory json;
    private final Set<String> redactedHeaders;

    /**
     * Creates the echo.
     *
     * @param json the Jackson factory to read and write with, shared with the handler's log so one set of
     *     generator classes serves both; required
     * @param redactedHeaders names of the headers whose values are redacted, compared without surrounding
     *     whitespace and ignoring case; required
     */
    public EventEcho(JsonFactory json, Set<String> redactedHeaders) {
        this.json = json;
        // A loop, not a stream: java.util.stream would be loaded for this alone, on every cold start.
        Set<String> names = new HashSet<>();
        for (String name : redactedHeaders) {
            names.add(normalize(name));
        }
        this.redactedHeaders = Set.copyOf(names);
    }

    /**
     * Echoes an event.
     *
     * @param event the raw event bytes; required
     * @return the Lattice response JSON and what to log about the request
     */
    public Outcome echo(byte[] event) {
        Scan scan = new Scan();
        ByteArrayOutputStream copy = new ByteArrayOutputStream(event.length + 64);
        try (JsonParser p = json.createParser(event);
                JsonGenerator g = json.createGenerator(copy)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return badRequest(
                        scan,
                        "A VPC Lattice event must be a JSON object, got "
                                + (first == null ? "nothing" : describe(first)));
            }
            g.writeStartObject();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                g.writeFieldName(name);
                JsonToken value = p.nextToken();
                scan.observe(name, value, p);
                if (name.equals("headers") && value == JsonToken.START_OBJECT) {
                    copyHeaders(p, g);
                } else if (name.equals("headers") && value != JsonToken.VALUE_NULL) {
                    // Any other shape would be copied verbatim, secrets included (an array of objects, say).
                    p.skipChildren();
                    g.writeNull();
                    scan.headersMalformed = true;
                } else {
                    g.copyCurrentStructureExact(p);
                }
            }
            g.writeEndObject();
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return badRequest(scan, "The event must be exactly one JSON object");
            }
        } catch (StreamConstraintsException e) {
            // Valid JSON that Jackson will not read. Its message names the limit and the sizes, never the input.
            return badRequest(scan, "The event is over a limit of the JSON parser: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            // The location only: the parser's own message may quote the input, which can hold secrets.
            JsonLocation at = e.getLocation();
            return badRequest(
                    scan,
                    "The event is not valid JSON"
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("Copying the event in memory failed", e);
        }

        String problem = scan.problem();
        if (problem != null) {
            return badRequest(scan, problem);
        }
        Outcome echoed = respond(scan, 200, "200 OK", copy.toByteArray());
        if (!PayloadLimits.fits(echoed.response().length)) {
            return tooLarge(scan, echoed.response().length);
        }
        return echoed;
    }

    /**
     * The answer for an unexpected failure: 500 with a fixed body.
     *
     * @param e the failure; only its type is reported
     * @return a 500 outcome whose problem names the exception type
     */
    public static Outcome internalError(RuntimeException e) {
        byte[] response = ("{\"statusCode\":500,\"statusDescription\":\"500 Internal Server Error\","
                        + "\"headers\":{\"content-type\":\"application/json\"},\"isBase64Encoded\":false,"
                        + "\"body\":\"{\\\"error\\\":\\\"InternalError\\\"}\"}")
                .getBytes(StandardCharsets.UTF_8);
        return new Outcome(
                response,
                500,
                null,
                null,
                null,
                "Internal error: " + e.getClass().getName());
    }

    private void copyHeaders(JsonParser p, JsonGenerator g) throws IOException {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            g.writeFieldName(name);
            JsonToken value = p.nextToken();
            if (!redactedHeaders.contains(normalize(name))) {
                g.copyCurrentStructureExact(p);
            } else if (value == JsonToken.START_ARRAY) {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    p.skipChildren();
                    g.writeString(REDACTED);
                }
                g.writeEndArray();
            } else if (value == JsonToken.VALUE_NULL) {
                g.writeNull();
            } else {
                p.skipChildren();
                g.writeString(REDACTED);
            }
        }
        g.writeEndObject();
    }

    /** Header names as compared: Lattice may pass a name with stray whitespace or in any case. */
    private static String normalize(String headerName) {
        return headerName.strip().toLowerCase(Locale.ROOT);
    }

    private Outcome badRequest(Scan scan, String message) {
        return error(scan, 400, "400 Bad Request", "InvalidEvent", message, -1);
    }

    private Outcome tooLarge(Scan scan, int responseBytes) {
        String message = PayloadLimits.overLimitMessage("The echo of this event", responseBytes);
        return error(scan, 413, "413 Payload Too Large", "ResponseTooLarge", message, responseBytes);
    }

    private Outcome error(Scan scan, int status, String description, String error, String message, int responseBytes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(message.length() + 96);
        try (JsonGenerator g = json.createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("error", error);
            g.writeStringField("message", message);
            if (responseBytes >= 0) {
                g.writeNumberField("limitBytes", PayloadLimits.MAX_PAYLOAD_BYTES);
                g.writeNumberField("responseBytes", responseBytes);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the error body in memory failed", e);
        }
        Outcome o = respond(scan, status, description, body.toByteArray());
        return new Outcome(o.response(), o.status(), o.eventVersion(), o.method(), o.path(), message);
    }

    private Outcome respond(Scan scan, int status, String description, byte[] jsonBody) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jsonBody.length + jsonBody.length / 4 + 160);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", status);
            g.writeStringField("statusDescription", description);
            g.writeObjectFieldStart("headers");
            g.writeStringField("content-type", "application/json");
            g.writeEndObject();
            g.writeBooleanField("isBase64Encoded", false);
            g.writeFieldName("body");
            g.writeUTF8String(jsonBody, 0, jsonBody.length);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the response in memory failed", e);
        }
        EventVersion version = scan.eventVersion();
        return new Outcome(
                out.toByteArray(), status, version == null ? null : version.name(), scan.method, scan.logPath(), null);
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /**
     * The result of {@link #echo(byte[])}.
     *
     * @param response the Lattice response JSON (statusCode, statusDescription, headers, isBase64Encoded, body)
     * @param status its status code
     * @param eventVersion {@code V1} or {@code V2}, the event's version by {@link EventVersion}; null when it has
     *     none known (the input was not an object, or its {@code version} is of no known kind)
     * @param method the event's method when it had one as a string, else null
     * @param path the event's path without its query string (query values may carry tokens), else null
     * @param problem why the event was refused (400) or not echoed (413), null for a 200; never contains input values
     */
    public record Outcome(
            byte[] response, int status, String eventVersion, String method, String path, String problem) {}

    /** What the top level of the event said, gathered while copying. */
    private static final class Scan {
        String version;
        boolean versionOtherJson;
        String method;
        String path;
        String rawPath;
        boolean versionOneFields;
        boolean headersMalformed;

        void observe(String name, JsonToken value, JsonParser p) throws IOException {
            switch (name) {
                case "version" -> {
                    version = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    versionOtherJson = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                }
                case "method" -> method = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "path" -> path = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "raw_path" -> {
                    rawPath = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    versionOneFields = true;
                }
                default -> versionOneFields |= EventVersion.isVersion1Field(name);
            }
        }

        /** The version the event is, by the shared rule; null when its {@code version} is of no known kind. */
        EventVersion eventVersion() {
            EventVersion.TopLevel seen = versionOtherJson
                    ? EventVersion.TopLevel.versionNotAString()
                    : EventVersion.TopLevel.version(version);
            return EventVersion.of(seen.withVersion1Field(versionOneFields)).orElse(null);
        }

        String problem() {
            EventVersion v = eventVersion();
            if (v == null) {
                return EventVersion.UNSUPPORTED_MESSAGE;
            }
            if (headersMalformed) {
                return HEADERS_SHAPE_MESSAGE;
            }
            String eventPath = v == EventVersion.V1 ? rawPath : path;
            if (method == null || method.isBlank() || eventPath == null || eventPath.isEmpty()) {
                return v == EventVersion.V1
                        ? "A VPC Lattice V1 event needs the string fields method and raw_path"
                        : "A VPC Lattice V2 event needs the string fields method and path";
            }
            return null;
        }

        String logPath() {
            return QueryStrings.withoutQuery(eventVersion() == EventVersion.V1 ? rawPath : path);
        }
    }
}
