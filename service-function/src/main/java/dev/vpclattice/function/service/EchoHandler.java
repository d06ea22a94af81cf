package dev.vpclattice.function.service;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vpclattice.contract.PayloadLimits;
import dev.vpclattice.function.service.internal.EventEcho;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The echo service: a Lambda target of a VPC Lattice target group that answers every request with the event it
 * received, whichever {@code LambdaEventStructureVersion} the target group sends (V1, the default, or V2).
 *
 * <p>For a V1 or V2 event it answers 200, {@code content-type: application/json}, {@code isBase64Encoded: false},
 * and a body that is the event as JSON, every field as received (including fields this project does not model),
 * except the values of credential-bearing headers, which are replaced by {@code [REDACTED]}. Input that is not one
 * JSON object, a {@code version} of no known kind, and an event without {@code method} and its path
 * ({@code path} in V2, {@code raw_path} in V1) get 400 with a JSON body
 * {@code {"error": "InvalidEvent", "message": ...}}; so does valid JSON over one of Jackson's stream limits, with a
 * message naming the limit. An event whose echo would exceed {@link PayloadLimits#MAX_PAYLOAD_BYTES} (6 MB,
 * 6,291,456 bytes) gets 413, {@code {"error": "ResponseTooLarge", "message": ..., "limitBytes": 6291456,
 * "responseBytes": ...}}, instead of a response Lattice would drop with a bare 502.
 *
 * <p>Redacted headers: {@link #DEFAULT_REDACTED_HEADERS}, plus any named in the environment variable
 * {@code REDACTED_HEADERS} (comma-separated, case-insensitive). The variable adds to the defaults; it cannot
 * remove one. Read once, when Lambda creates the handler.
 *
 * <p>Logs one JSON line per request to stdout: request id, event version, method, path without its query string, status,
 * request and response sizes, and the reason for a 400 or 413. Never a header value or the body.
 *
 * <p>Handler string: {@code dev.vpclattice.function.service.EchoHandler}.
 */
public final class EchoHandler implements RequestStreamHandler {
    /** Headers whose values are always redacted: {@code authorization}, {@code proxy-authorization},
     * {@code cookie}, {@code x-amz-security-token}, {@code x-api-key}. */
    public static final Set<String> DEFAULT_REDACTED_HEADERS =
            Set.of("authorization", "proxy-authorization", "cookie", "x-amz-security-token", "x-api-key");

    /** The environment variable that adds headers to redact. */
    public static final String REDACTED_HEADERS_VARIABLE = "REDACTED_HEADERS";

    /** Set by Lambda to {@code snap-start} when this init ends in a SnapStart snapshot. */
    static final String INITIALIZATION_TYPE_VARIABLE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    /**
     * What SnapStart priming echoes: every shape the echo copies (array and string headers, a redacted one, query
     * parameters, identity, numbers), with no credential in it.
     */
    private static final byte[] PRIMING_EVENT = ("{\"version\":\"2.0\",\"path\":\"/priming?p=1\",\"method\":\"POST\","
                    + "\"headers\":{\"content-type\":[\"application/json\"],\"authorization\":[\"none\"],\"accept\":\"*/*\"},"
                    + "\"queryStringParameters\":{\"p\":[\"1\"]},\"body\":\"{\\\"n\\\":[1,2.5,true,null]}\",\"isBase64Encoded\":false,"
                    + "\"requestContext\":{\"identity\":{\"type\":\"NONE\"},\"region\":\"us-east-1\","
                    + "\"timeEpoch\":\"1700000000000000\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private final JsonFactory json = new JsonFactory();
    private final EventEcho echo;
    private final Consumer<String> log;

    /**
     * Creates the handler as Lambda does, reading {@code REDACTED_HEADERS} from the environment, and primes it when
     * the init is for SnapStart ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}).
     */
    public EchoHandler() {
        this(redactedHeaders(System.getenv(REDACTED_HEADERS_VARIABLE)), new StandardOutput());
        if ("snap-start".equals(System.getenv(INITIALIZATION_TYPE_VARIABLE))) {
            // Init is what the snapshot holds: the echo's first request is class loading, so do it here once.
            prime();
        }
    }

    EchoHandler(Set<String> redactedHeaders, Consumer<String> log) {
        this.echo = new EventEcho(json, redactedHeaders);
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Prints each log line; a class rather than {@code System.out::println}, which costs a lambda on a cold start. */
    private static final class StandardOutput implements Consumer<String> {
        @Override
        public void accept(String line) {
            System.out.println(line);
        }
    }

    /**
     * Echoes a synthetic event and builds its log line, printing nothing, so that jackson-core's parser and
     * generator and this handler's classes are loaded, linked and initialised (in a SnapStart snapshot, once, rather
     * than after every restore). On demand it would only move that work from the first request to init.
     *
     * @return what the echo answered to the synthetic event (a 200, or priming would miss the path requests take)
     */
    EventEcho.Outcome prime() {
        EventEcho.Outcome outcome = echo.echo(PRIMING_EVENT);
        logLine(null, outcome, PRIMING_EVENT.length);
        return outcome;
    }

    /**
     * Combines the defaults with a {@code REDACTED_HEADERS} value.
     *
     * @param variable comma-separated header names, any case, blanks ignored; null for none
     * @return the lower-case names to redact
     */
    static Set<String> redactedHeaders(String variable) {
        Set<String> names = new LinkedHashSet<>(DEFAULT_REDACTED_HEADERS);
        if (variable != null) {
            for (String name : variable.split(",")) {
                String normalized = name.strip().toLowerCase(Locale.ROOT);
                if (!normalized.isEmpty()) {
                    names.add(normalized);
                }
            }
        }
        return Set.copyOf(names);
    }

    /**
     * Answers one Lattice request.
     *
     * @param input the event JSON
     * @param output receives the Lattice response JSON
     * @param context the Lambda context; may be null outside Lambda
     * @throws IOException if reading the input or writing the output fails
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        EventEcho.Outcome outcome;
        try {
            outcome = echo.echo(event);
        } catch (RuntimeException e) {
            // A bug here must still give Lattice a well-formed answer, and the log only the exception type.
            outcome = EventEcho.internalError(e);
        }
        output.write(outcome.response());
        log.accept(logLine(context, outcome, event.length));
    }

    private String logLine(Context context, EventEcho.Outcome o, int requestBytes) {
        // The echo's own UTF-8 generator: a Writer-based one would load a second set of Jackson classes.
        ByteArrayOutputStream w = new ByteArrayOutputStream(192);
        try (JsonGenerator g = json.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("level", o.status() == 200 ? "INFO" : o.status() >= 500 ? "ERROR" : "WARN");
            g.writeStringField("message", o.status() == 200 ? "echoed" : o.status() >= 500 ? "failed" : "refused");
            if (context != null) {
                g.writeStringField("requestId", context.getAwsRequestId());
            }
            if (o.eventVersion() != null) {
                g.writeStringField("eventVersion", o.eventVersion());
            }
            g.writeStringField("method", clip(o.method(), 16));
            g.writeStringField("path", clip(o.path(), 256));
            g.writeNumberField("status", o.status());
            g.writeNumberField("requestBytes", requestBytes);
            g.writeNumberField("responseBytes", o.response().length);
            if (o.problem() != null) {
                g.writeStringField("reason", o.problem());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the log line in memory failed", e);
        }
        return w.toString(StandardCharsets.UTF_8);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
