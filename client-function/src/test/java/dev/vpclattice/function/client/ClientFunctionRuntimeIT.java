package dev.vpclattice.function.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.lambda.local.SamMakefileBuild;
import dev.vpclattice.local.LocalLattice;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Runs the client function as Lambda does: the artifact that {@code make build-ClientFunction} lays out, in the real
 * Lambda Java runtime interface client, calling a real HTTPS server on loopback (the local Lattice) that verifies
 * every SigV4 signature it receives. TLS is verified against a trust store given to the JVM, as a user would.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClientFunctionRuntimeIT {
    static final Path ROOT = Path.of(System.getProperty("basedir", "."))
            .resolve("..")
            .toAbsolutePath()
            .normalize();
    static final String HANDLER = "dev.vpclattice.function.client.ClientHandler";
    static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/ClientFunctionRole/client-function";
    // What Lambda serves through the container-credentials endpoint (SnapStart functions get no key variables).
    static final String CONTAINER_ACCESS_KEY = "ASIACONTAINERCREDS01";
    static final String CONTAINER_SECRET_KEY = "FAKE-SECRET-container-credentials-0003";
    static final String CONTAINER_SESSION_TOKEN = "FAKE-SESSION-TOKEN-container-credentials-0004";
    static final String CONTAINER_AUTHORIZATION = "FAKE-CONTAINER-AUTHORIZATION-TOKEN-0005";
    static final String CONTAINER_PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/ClientFunctionRole/snapstart";
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The service the function calls: allows the function's role (PRINCIPAL, whose temporary credentials the
     * function gets as Lambda gives them) and its SnapStart credentials (CONTAINER_PRINCIPAL); echoes the body and
     * path. Events it received are cleared before each test.
     */
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .allowedPrincipal(PRINCIPAL)
            .latticeOptions(options -> options.sessionCredential(
                            CONTAINER_ACCESS_KEY, CONTAINER_SECRET_KEY, CONTAINER_SESSION_TOKEN, CONTAINER_PRINCIPAL)
                    .allow(CONTAINER_PRINCIPAL))
            .target(event -> VpcLatticeV2Response.builder()
                    .statusCode(200)
                    .header("content-type", "application/json")
                    .body("{\"echo\":" + event.getBody() + ",\"path\":\"" + event.getPath() + "\"}")
                    .build())
            .build();

    static final AwsSessionCredentials CALLER =
            (AwsSessionCredentials) lattice.credentials().resolveCredentials();
    static final String ACCESS_KEY = CALLER.accessKeyId();
    static final String SECRET_KEY = CALLER.secretAccessKey();
    static final String SESSION_TOKEN = CALLER.sessionToken();

    @TempDir
    static Path work;

    static Path artifacts;
    static List<String> trustStoreArguments;

    @BeforeAll
    static void build() throws Exception {
        artifacts = work.resolve("artifacts");
        SamMakefileBuild.build(ROOT, "ClientFunction", artifacts, Duration.ofMinutes(8));
        assertTrue(
                Files.isRegularFile(artifacts.resolve("lib/client-function.jar")),
                "the Makefile must put the shaded jar under $ARTIFACTS_DIR/lib");
        trustStoreArguments = lattice.trustStoreJvmArguments();
    }

    @Test
    void invoke_signedPostThroughLocalLattice_returnsStatusHeadersAndJsonBody() throws Exception {
        try (LocalLambda function = client(lattice.endpoint().toString())) {
            String event = "{\"hello\":\"lattice\",\"n\":[1,2,3]}";

            LambdaInvocation invocation = function.invoke(event.getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.SUCCESS, invocation.status(), invocation::payloadAsString);
            JsonNode result = JSON.readTree(invocation.payload());
            assertEquals(200, result.get("statusCode").asInt());
            assertEquals(
                    "application/json",
                    result.get("headers").get("content-type").asText());
            assertEquals(JSON.readTree(event), result.get("body").get("echo"), "the body is embedded as JSON");
            assertEquals("/", result.get("body").get("path").asText());

            VpcLatticeV2Request seen = receivedWithBody(event);
            assertEquals("POST", seen.getMethod());
            assertEquals("application/json", seen.firstHeader("content-type").orElseThrow());
            assertEquals(JSON.readTree(event), JSON.readTree(seen.getBody()));
            // The local Lattice only forwards requests whose SigV4 signature it verified; it names the signer.
            assertEquals("AWS_IAM", seen.getRequestContext().getIdentity().getType());
            assertEquals(PRINCIPAL, seen.getRequestContext().getIdentity().getPrincipal());

            // A second invocation reuses the warm environment and its client.
            LambdaInvocation again = function.invoke("{\"again\":true}".getBytes(StandardCharsets.UTF_8));
            assertEquals(LambdaInvocation.Status.SUCCESS, again.status(), again::payloadAsString);

            // One structured log line per call, with the invocation's request id. The function's output reaches us
            // through a pipe, independently of its answer: wait for the line (the REPORT line follows it).
            String callLine = function.awaitLogLine(
                            line -> line.contains("\"message\":\"lattice call\"") && line.contains(again.requestId()),
                            Duration.ofSeconds(30))
                    .orElseThrow(() ->
                            new AssertionError("no call line for " + again.requestId() + " in " + function.logLines()));
            JsonNode call = JSON.readTree(callLine);
            assertEquals(200, call.get("status").asInt());
            assertEquals("INFO", call.get("level").asText());
            assertEquals(
                    1,
                    function.logLines().stream()
                            .filter(l -> l.contains("\"message\":\"lattice call\"") && l.contains(again.requestId()))
                            .count(),
                    () -> String.join("\n", function.logLines()));
            assertNoSecretIn(String.join("\n", function.logLines()));
        }
    }

    /** The event the local Lattice forwarded with this body during this test. */
    private static VpcLatticeV2Request receivedWithBody(String body) throws Exception {
        JsonNode expected = JSON.readTree(body);
        for (VpcLatticeV2Request event : lattice.receivedEvents()) {
            if (event.getBody() != null && expected.equals(JSON.readTree(event.getBody()))) {
                return event;
            }
        }
        throw new AssertionError("the local Lattice forwarded no request with the body " + body);
    }

    @Test
    void invoke_unsampled_loadsNoXRayClass_sampled_recordsThroughTheRecorder() throws Exception {
        for (boolean sampled : List.of(false, true)) {
            List<String> jvm = new java.util.ArrayList<>(trustStoreArguments);
            jvm.add("-Xlog:class+load=info:stdout");
            try (LocalLambda function = LocalLambda.builder()
                    .functionDirectory(artifacts)
                    .handler(HANDLER)
                    .functionName("ClientFunction")
                    .region("us-east-1")
                    .environment(credentialsAnd(
                            ClientConfiguration.ENDPOINT, lattice.endpoint().toString()))
                    .jvmArguments(jvm)
                    .traceSampled(sampled)
                    .logSink(line -> {})
                    .build()) {
                LambdaInvocation invocation = function.invoke("{\"traced\":1}".getBytes(StandardCharsets.UTF_8));

                assertEquals(LambdaInvocation.Status.SUCCESS, invocation.status(), invocation::payloadAsString);
                awaitCallLine(function, invocation);
                List<String> xray = function.logLines().stream()
                        .filter(l -> l.contains("[class,load] com.amazonaws.xray."))
                        .toList();
                if (sampled) {
                    assertTrue(
                            xray.stream().anyMatch(l -> l.contains("com.amazonaws.xray.AWSXRayRecorder ")),
                            "a sampled call records through the recorder");
                } else {
                    // The library finds the recorder by its class file: nothing of it is loaded.
                    assertEquals(
                            List.of(),
                            xray.stream()
                                    .map(l -> l.substring(l.indexOf("[class,load] ") + 13, l.indexOf(" source:")))
                                    .toList(),
                            "an unsampled call must not load the X-Ray SDK");
                }
            }
        }
    }

    @Test
    void invoke_afterSnapStartInit_primedWithEachHttpClient_sendsOnlyTheRealCall() throws Exception {
        for (String http : List.of("crt", "apache5", "urlconnection")) {
            Map<String, String> environment = new HashMap<>(credentialsAnd(
                    ClientConfiguration.ENDPOINT, lattice.endpoint().toString()));
            environment.put(ClientConfiguration.HTTP_CLIENT, http);
            String event = "{\"snapStart\":\"" + http + "\"}";
            try (LocalLambda function = LocalLambda.builder()
                    .functionDirectory(artifacts)
                    .handler(HANDLER)
                    .functionName("ClientFunction")
                    .region("us-east-1")
                    .environment(environment)
                    .jvmArguments(trustStoreArguments)
                    .snapStart(true)
                    .logSink(line -> {})
                    .build()) {
                LambdaInvocation invocation = function.invoke(event.getBytes(StandardCharsets.UTF_8));

                assertEquals(
                        LambdaInvocation.Status.SUCCESS,
                        invocation.status(),
                        http + ": " + invocation.payloadAsString());
                assertTrue(invocation.initDuration().isPresent());
                awaitCallLine(function, invocation);
                String logs = String.join("\n", function.logLines());
                assertFalse(logs.contains("priming skipped"), http + ": " + logs);
                assertNoSecretIn(logs);
                // Priming talked to its own loopback server only: the local Lattice saw this one call.
                JsonNode expected = JSON.readTree(event);
                assertEquals(
                        1,
                        lattice.receivedEvents().stream()
                                .filter(e -> readTree(e.getBody()).equals(expected))
                                .count(),
                        http);
            }
        }
    }

    private static JsonNode readTree(String body) {
        try {
            return body == null ? JSON.nullNode() : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return JSON.nullNode();
        }
    }

    private static Map<String, String> credentialsAnd(String name, String value) {
        return Map.of(
                "AWS_ACCESS_KEY_ID",
                ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY",
                SECRET_KEY,
                "AWS_SESSION_TOKEN",
                SESSION_TOKEN,
                name,
                value);
    }

    @Test
    void invoke_withContainerCredentialsOnly_signsWithThem() throws Exception {
        // GIVEN a loopback container-credentials endpoint, as Lambda serves credentials to SnapStart functions
        AtomicInteger served = new AtomicInteger();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/credentials", exchange -> {
            boolean authorized =
                    CONTAINER_AUTHORIZATION.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized
                            ? "{\"AccessKeyId\":\"" + CONTAINER_ACCESS_KEY + "\",\"SecretAccessKey\":\""
                                    + CONTAINER_SECRET_KEY
                                    + "\",\"Token\":\"" + CONTAINER_SESSION_TOKEN + "\",\"Expiration\":\""
                                    + Instant.now().plus(Duration.ofHours(1)) + "\"}"
                            : "{\"message\":\"unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (authorized) {
                served.incrementAndGet();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        Map<String, String> environment = Map.of(
                ClientConfiguration.ENDPOINT,
                lattice.endpoint().toString(),
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                CONTAINER_AUTHORIZATION);
        try (LocalLambda function = LocalLambda.builder()
                .functionDirectory(artifacts)
                .handler(HANDLER)
                .functionName("ClientFunction")
                .region("us-east-1")
                .timeout(Duration.ofSeconds(30))
                .environment(environment)
                .jvmArguments(trustStoreArguments)
                .logSink(line -> {})
                .build()) {

            // WHEN the function is invoked with no key variables in its environment
            LambdaInvocation invocation = function.invoke("{\"via\":\"container\"}".getBytes(StandardCharsets.UTF_8));

            // THEN it fetched the credentials from the endpoint and the local Lattice verified a signature made with
            // them
            assertEquals(LambdaInvocation.Status.SUCCESS, invocation.status(), invocation::payloadAsString);
            assertTrue(served.get() >= 1, "the container-credentials endpoint was not asked");
            VpcLatticeV2Request seen = receivedWithBody("{\"via\":\"container\"}");
            assertEquals(
                    CONTAINER_PRINCIPAL, seen.getRequestContext().getIdentity().getPrincipal());
            awaitCallLine(function, invocation);
            String logs = String.join("\n", function.logLines());
            assertFalse(
                    logs.contains(CONTAINER_SECRET_KEY)
                            || logs.contains(CONTAINER_SESSION_TOKEN)
                            || logs.contains(CONTAINER_AUTHORIZATION),
                    "a container credential reached the function's output");
        } finally {
            endpoint.stop(0);
        }
    }

    /**
     * Waits for the function's log line of this invocation's call, the last thing it prints before answering (also
     * for a 403), so the output checked after it is the whole output of the call.
     */
    private static void awaitCallLine(LocalLambda function, LambdaInvocation invocation) {
        function.awaitLogLine(
                        line -> line.contains("\"message\":\"lattice call\"") && line.contains(invocation.requestId()),
                        Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError(
                        "no call line for " + invocation.requestId() + " in " + function.logLines()));
    }

    @Test
    void invoke_principalNotAllowed_failsNamingStatusAndAccessDenied() throws Exception {
        // The function signs as the principal the service knows but its auth policy leaves out.
        AwsSessionCredentials denied =
                (AwsSessionCredentials) lattice.deniedCredentials().resolveCredentials();
        try (LocalLambda function = client(lattice.endpoint().toString(), trustStoreArguments, denied)) {

            LambdaInvocation invocation = function.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, invocation.status(), invocation::payloadAsString);
            JsonNode error = JSON.readTree(invocation.payload());
            assertTrue(error.get("errorType").asText().endsWith("LatticeServiceException"), error::toString);
            String message = error.get("errorMessage").asText();
            assertTrue(message.contains("403"), message);
            assertTrue(message.contains("AccessDeniedException"), message);
            awaitCallLine(function, invocation);
            String logs = String.join("\n", function.logLines());
            assertNoSecretIn(logs);
            assertFalse(
                    logs.contains(denied.secretAccessKey()) || logs.contains(denied.sessionToken()),
                    "the denied role's secret or token reached the function's output");
            assertTrue(lattice.receivedEvents().isEmpty(), "a denied call must not reach the service");
        }
    }

    @Test
    void invoke_serviceSlowerThanTheFunctionTimeout_failsWithTheLibrarysTimeoutNotALambdaTimeout() throws Exception {
        try (LocalLattice stalling = LocalLattice.builder()
                        .sessionCredential(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, PRINCIPAL)
                        .target(event -> {
                            Thread.sleep(15_000);
                            return VpcLatticeV2Response.builder()
                                    .statusCode(200)
                                    .build();
                        })
                        .build();
                LocalLambda function = LocalLambda.builder()
                        .functionDirectory(artifacts)
                        .handler(HANDLER)
                        .functionName("ClientFunction")
                        .region("us-east-1")
                        // The configured call timeout (20 s by default) exceeds what the invocation has left.
                        .timeout(Duration.ofSeconds(6))
                        .environment(Map.of(
                                ClientConfiguration.ENDPOINT,
                                stalling.endpoint().toString(),
                                "AWS_ACCESS_KEY_ID",
                                ACCESS_KEY,
                                "AWS_SECRET_ACCESS_KEY",
                                SECRET_KEY,
                                "AWS_SESSION_TOKEN",
                                SESSION_TOKEN))
                        .jvmArguments(stalling.certificate().trustStoreJvmArguments(work.resolve("stalling.p12")))
                        .logSink(line -> {})
                        .build()) {

            LambdaInvocation invocation = function.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, invocation.status(), invocation::payloadAsString);
            JsonNode error = JSON.readTree(invocation.payload());
            assertTrue(error.get("errorType").asText().endsWith("LatticeCallTimeoutException"), error::toString);
            assertTrue(error.get("errorMessage").asText().startsWith("Call timeout of "), error::toString);
        }
    }

    @Test
    void invoke_endpointUnreachable_failsWithTransportError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (LocalLambda function = client("https://127.0.0.1:" + closedPort)) {
            LambdaInvocation invocation = function.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, invocation.status(), invocation::payloadAsString);
            JsonNode error = JSON.readTree(invocation.payload());
            assertTrue(error.get("errorType").asText().endsWith("LatticeClientException"), error::toString);
            assertTrue(error.get("errorMessage").asText().contains("127.0.0.1:" + closedPort), error::toString);
        }
    }

    @Test
    void init_withoutEndpoint_failsNamingTheVariable() throws Exception {
        try (LocalLambda function = client(null)) {
            LambdaInvocation invocation = function.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, invocation.status(), invocation::payloadAsString);
            assertTrue(
                    invocation.payloadAsString().contains("LATTICE_ENDPOINT is not set"), invocation::payloadAsString);
        }
    }

    private static LocalLambda client(String endpoint) {
        return client(endpoint, trustStoreArguments, CALLER);
    }

    private static LocalLambda client(String endpoint, List<String> jvmArguments, AwsSessionCredentials role) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "AWS_ACCESS_KEY_ID",
                role.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY",
                role.secretAccessKey(),
                "AWS_SESSION_TOKEN",
                role.sessionToken(),
                ClientConfiguration.CALL_TIMEOUT,
                "10"));
        if (endpoint != null) {
            environment.put(ClientConfiguration.ENDPOINT, endpoint);
        }
        return LocalLambda.builder()
                .functionDirectory(artifacts)
                .handler(HANDLER)
                .functionName("ClientFunction")
                .region("us-east-1")
                .timeout(Duration.ofSeconds(30))
                .environment(environment)
                .jvmArguments(jvmArguments)
                .logSink(line -> {})
                .build();
    }

    private static void assertNoSecretIn(String text) {
        assertFalse(text.contains(SECRET_KEY), "the secret key reached the function's output");
        assertFalse(text.contains(SESSION_TOKEN), "the session token reached the function's output");
        assertFalse(text.contains("Signature="), "a signature reached the function's output");
    }
}
