package dev.vpclattice.function.client;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.SigningMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;

/**
 * The client function: POSTs its input event, as JSON, to the root path of a VPC Lattice service through
 * lattice-client-sdk (SigV4-signed for {@code vpc-lattice-svcs} by default) and returns
 * {@code {"statusCode": <int>, "headers": {...}, "body": <JSON value when the response is JSON, else a string>}}:
 * a header with one value is a string, one with several an array of strings.
 *
 * <p>A non-2xx answer fails the invocation with a {@link dev.vpclattice.client.LatticeServiceException} naming the
 * status and Lattice's error (e.g. {@code AccessDeniedException}); a transport failure with a
 * {@link dev.vpclattice.client.LatticeClientException}. Configuration is read and the client built once per
 * execution environment, in the constructor (see {@link ClientConfiguration} for the variables).
 */
public final class ClientHandler implements RequestStreamHandler, Resource {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Time kept back from the invocation's deadline to report a call timeout. */
    static final Duration INVOCATION_MARGIN = Duration.ofMillis(1500);

    private static final Duration MINIMUM_CALL = Duration.ofMillis(100);

    private final ClientConfiguration configuration;
    private final LatticeClient client;
    private final LatticeRequest post;
    private boolean primed;

    /**
     * Called by the Lambda runtime: reads the configuration from the environment and builds the client.
     *
     * @throws IllegalStateException when the configuration is missing or invalid, which fails the init phase
     */
    public ClientHandler() {
        this(ClientConfiguration.fromEnvironment(System.getenv()));
        if (configuration.snapStart()) {
            // Init is what the snapshot holds: prime here, whether or not the CRaC hooks below are called.
            prime();
            // Lambda's runtime client calls beforeCheckpoint once init is done (org.crac reaches it through
            // -Dorg.crac.Core.Compat). On demand it never does, and registering would only cost the cold start the
            // dynamic proxy org.crac generates for the runtime's interface (about 100 classes).
            Core.getGlobalContext().register(this);
        }
    }

    private ClientHandler(ClientConfiguration configuration) {
        this(configuration, newClient(configuration));
    }

    private static LatticeClient newClient(ClientConfiguration configuration) {
        LatticeClient.Builder builder = LatticeClient.builder()
                .region(configuration.region())
                .signingMode(configuration.signingMode())
                .callTimeout(configuration.callTimeout());
        if (configuration.signingMode() != SigningMode.NONE) {
            builder.credentialsProvider(LambdaCredentials.create());
        }
        // The library's timeouts and pool settings apply to the builder; naming the kind keeps it explicit in Lambda,
        // where the library would otherwise choose the CRT client itself.
        return builder.httpClientBuilder(HttpClients.builder(configuration.httpClient()))
                .build();
    }

    ClientHandler(ClientConfiguration configuration, LatticeClient client) {
        this.configuration = configuration;
        this.client = client;
        // Parsed once: only the body and the time bound change per invocation.
        this.post = LatticeRequest.builder()
                .method("POST")
                .url(configuration.endpoint())
                .header("content-type", "application/json")
                .build();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        long start = System.nanoTime();
        LatticeResponse response = client.send(
                post.toBuilder().body(event).callTimeout(callTimeout(context)).build());
        long micros = (System.nanoTime() - start) / 1_000;
        log(context, response, event.length, micros);
        response.ensureSuccess();
        writeResult(response, output);
    }

    /**
     * SnapStart priming, before the snapshot is taken, unless init already primed: see {@link Priming}. Opens no
     * connection with the function's own client and resolves no real credentials, neither of which may be captured
     * in a snapshot.
     *
     * @param context the CRaC context (unused)
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    /** Primes the call path once per environment. */
    synchronized void prime() {
        if (!primed) {
            primed = true;
            Priming.prime(configuration, client, post);
        }
    }

    /**
     * After a restore there is nothing to refresh: credentials are resolved per call and no connection was opened
     * before the snapshot.
     *
     * @param context the CRaC context (unused)
     */
    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {}

    /**
     * The configured call timeout, shortened to end {@link #INVOCATION_MARGIN} before the invocation's own deadline,
     * so a slow service fails the call with the library's error instead of a Lambda timeout without one.
     */
    Duration callTimeout(Context context) {
        Duration configured = configuration.callTimeout();
        if (context == null) {
            return configured;
        }
        Duration left = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(INVOCATION_MARGIN);
        if (left.compareTo(MINIMUM_CALL) < 0) {
            return MINIMUM_CALL;
        }
        return left.compareTo(configured) < 0 ? left : configured;
    }

    /** Writes {@code {"statusCode", "headers", "body"}}; the body embedded as JSON when it is JSON. */
    static void writeResult(LatticeResponse response, OutputStream output) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(output)) {
            json.writeStartObject();
            json.writeNumberField("statusCode", response.statusCode());
            json.writeObjectFieldStart("headers");
            for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
                json.writeFieldName(header.getKey().toLowerCase(Locale.ROOT));
                List<String> values = header.getValue();
                if (values.size() == 1) {
                    json.writeString(values.get(0));
                } else {
                    // Joining would corrupt headers such as set-cookie, whose values may contain commas.
                    json.writeStartArray();
                    for (String value : values) {
                        json.writeString(value);
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
            json.writeFieldName("body");
            byte[] body = response.body();
            if (isJson(response) && isSingleJsonValue(body)) {
                try (JsonParser parser = JSON.createParser(body)) {
                    parser.nextToken();
                    // Exact: numbers are copied as written, not through double (1.000000000000000000001 stays so).
                    json.copyCurrentStructureExact(parser);
                }
            } else {
                json.writeString(response.bodyAsString());
            }
            json.writeEndObject();
        }
    }

    private static boolean isJson(LatticeResponse response) {
        String type = response.firstHeader("content-type").orElse("").toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    // A body labelled JSON that does not parse is passed on as a string rather than failing the invocation.
    private static boolean isSingleJsonValue(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static void log(Context context, LatticeResponse response, int requestBytes, long micros) {
        // One structured line per call on stdout, in the same shape as the service function's, so both read alike in
        // CloudWatch (LambdaLogger would nest this JSON inside its own "message" string under LogFormat JSON).
        System.out.println(logLine(context == null ? null : context.getAwsRequestId(), response, requestBytes, micros));
    }

    /** The log line of one call: no headers, no body, nothing secret. */
    static String logLine(String requestId, LatticeResponse response, int requestBytes, long micros) {
        return ("{\"level\":\"" + (response.isSuccessful() ? "INFO" : "WARN")
                + "\",\"message\":\"lattice call\""
                + (requestId == null ? "" : ",\"requestId\":\"" + requestId + "\"")
                + ",\"method\":\"POST\",\"status\":" + response.statusCode()
                + ",\"attempts\":" + response.attempts() + ",\"requestBytes\":" + requestBytes
                + ",\"responseBytes\":" + response.body().length + ",\"durationMs\":" + (micros / 1000.0) + "}");
    }
}
