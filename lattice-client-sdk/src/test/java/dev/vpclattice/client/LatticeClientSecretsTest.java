package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/** Nothing secret reaches the library's log output or its exception messages, even at the finest level. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientSecretsTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    static final String ACCESS_KEY = "AKIDSECRETSTEST00001";
    static final String SECRET_KEY = "never-log-this-secret-key-0000000000000";
    static final String SESSION_TOKEN = "never-log-this-session-token-IQoJb3JpZ2luX2Vj";
    static final String QUERY_SECRET = "never-log-this-query-token-5f3a";

    private static LatticeClient client(SdkHttpClient http, Duration callTimeout) {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)))
                .httpClient(http)
                .backoffBase(Duration.ofMillis(1))
                .maxAttempts(3)
                .callTimeout(callTimeout)
                .build();
    }

    @Test
    void logsAndExceptions_neverContainSecretKeyTokenOrSignature() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.vpclattice");
        Level previousLevel = logger.getLevel();
        SimpleFormatter formatter = new SimpleFormatter();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(formatter.format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        List<String> texts = new ArrayList<>();
        try (TestHttpsServer server = TestHttpsServer.https();
                SdkHttpClient http = TestTls.trustingClient();
                LatticeClient client = client(http, Duration.ofSeconds(30));
                LatticeClient impatient = client(http, Duration.ofMillis(500))) {
            // Retries (logged), a 403 turned into an exception, and a call timeout (exception).
            server.handler = (exchange, request) -> TestHttpsServer.respond(exchange, 503, "busy");
            LatticeResponse busy = client.send(LatticeRequest.builder()
                    .url(server.url() + "/a?token=" + QUERY_SECRET)
                    .build());
            texts.add(busy.toString());
            server.handler = (exchange, request) -> TestHttpsServer.respond(
                    exchange, 403, "AccessDeniedException: User: arn:aws:sts::1:assumed-role/r/s is not authorized");
            texts.add(client.send(LatticeRequest.builder()
                            .url(server.url())
                            .queryParameter("token", QUERY_SECRET)
                            .build())
                    .toException()
                    .getMessage());
            server.handler = (exchange, request) -> server.closing.await(10, TimeUnit.SECONDS);
            LatticeCallTimeoutException timeout = assertThrows(
                    LatticeCallTimeoutException.class,
                    () -> impatient.send(LatticeRequest.builder()
                            .url(server.url() + "/?token=" + QUERY_SECRET)
                            .build()));
            for (Throwable t = timeout; t != null; t = t.getCause()) {
                texts.add(String.valueOf(t.getMessage()));
            }
            texts.add(LatticeRequest.builder()
                    .url(server.url())
                    .header("Authorization", "secret")
                    .build()
                    .toString());
            LatticeRequest withQuery = LatticeRequest.builder()
                    .url(server.url() + "/p?token=" + QUERY_SECRET)
                    .build();
            texts.add(withQuery.toString());
            texts.add(withQuery.redactedUrl());
            // The builder's own validation errors must not echo the query either.
            for (String bad : List.of(
                    "ftp://host.example/p?token=" + QUERY_SECRET,
                    "https:///p?token=" + QUERY_SECRET,
                    "https://host.example/p?token=" + QUERY_SECRET + " x",
                    "https://user:" + QUERY_SECRET + "@host.example/p")) {
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> LatticeRequest.builder().url(bad));
                for (Throwable t = e; t != null; t = t.getCause()) {
                    texts.add(String.valueOf(t.getMessage()));
                }
            }
            texts.add(assertThrows(
                            IllegalArgumentException.class,
                            () -> LatticeRequest.builder().url(server.url()).path("/p?token=" + QUERY_SECRET))
                    .getMessage());

            List<String> signatures = server.received.stream()
                    .map(r -> r.header("authorization"))
                    .map(a -> a.substring(a.indexOf("Signature=") + "Signature=".length()))
                    .toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("Retrying GET")), "expected retry logs, got " + lines);
            assertTrue(
                    server.received.stream()
                            .anyMatch(r -> String.valueOf(r.uri()).contains(QUERY_SECRET)),
                    "the query is still sent");
            assertTrue(
                    texts.contains("GET " + server.url() + "/p"),
                    "toString is METHOD scheme://host:port/path: " + texts);
            List<String> everything = new ArrayList<>(lines);
            everything.addAll(texts);
            for (String text : everything) {
                assertFalse(text.contains(SECRET_KEY), "secret key in: " + text);
                assertFalse(text.contains(SESSION_TOKEN), "session token in: " + text);
                assertFalse(text.contains(QUERY_SECRET), "query parameter in: " + text);
                assertFalse(text.contains("Signature="), "signature in: " + text);
                signatures.forEach(s -> assertFalse(text.contains(s), "signature value in: " + text));
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previousLevel);
        }
    }

    /** Every message in an exception and its causes. */
    private static List<String> messages(Throwable e) {
        List<String> texts = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
            texts.add(t.toString());
        }
        return texts;
    }

    @Test
    void aHostileServerReflectingTheRequest_getsNothingOfItIntoAnExceptionMessage() {
        // GIVEN a server that answers every request with the request itself: its line, every header and the query,
        // as plain text, as a JSON error whose code and message are reflected values, and in a request-id header
        String token = QUERY_SECRET;
        fixture.server().handler = (exchange, request) -> {
            StringBuilder reflected = new StringBuilder(request.method() + " " + request.uri() + "\n");
            request.headers()
                    .forEach((name, values) ->
                            reflected.append(name).append(": ").append(values).append('\n'));
            String authorization = request.header("authorization");
            String body = request.uri().getPath().endsWith("/json")
                    ? "{\"__type\": \"" + token + "\", \"code\": \"" + authorization + "\", \"message\": \""
                            + reflected.toString().replace("\"", "'").replace("\n", " ") + "\"}"
                    : "AccessDeniedException: " + reflected;
            TestHttpsServer.respond(exchange, 403, Map.of("x-amzn-requestid", authorization), body);
        };
        List<String> texts = new ArrayList<>();
        try (LatticeClient client = fixture.client().build();
                LatticeAsyncClient async = fixture.asyncClient().build()) {
            for (String path : List.of("/text", "/json")) {
                LatticeRequest request = LatticeRequest.builder()
                        .url(fixture.url() + path + "?token=" + token)
                        .putHeader("x-api-key", token)
                        .build();
                LatticeResponse response = client.send(request);
                LatticeServiceException e = assertThrows(LatticeServiceException.class, response::ensureSuccess);
                texts.addAll(messages(e));
                texts.addAll(messages(assertThrows(LatticeServiceException.class, () -> response.bodyAs(Map.class))));
                CompletionException async403 = assertThrows(
                        CompletionException.class,
                        () -> async.send(request)
                                .thenApply(LatticeResponse::ensureSuccess)
                                .join());
                assertInstanceOf(LatticeServiceException.class, async403.getCause());
                texts.addAll(messages(async403.getCause()));
                // THEN the body is still there for whoever trusts the server
                assertTrue(e.response().bodyAsString().contains(token));
            }
        }
        assertEquals(4, fixture.server().received.size());
        for (String text : texts) {
            assertFalse(text.contains(token), "query or header value in: " + text);
            assertFalse(text.contains("Signature="), "signature in: " + text);
            assertFalse(text.contains("AWS4-HMAC-SHA256"), "authorization in: " + text);
            assertFalse(text.contains("x-api-key"), "a reflected header in: " + text);
        }
    }

    @Test
    void anIllegalPathCarryingASecretQuery_isRefusedAtOnce_withoutTheQuery() {
        // GIVEN a path with a space, built before and after a query that carries a token
        IllegalArgumentException before = assertThrows(
                IllegalArgumentException.class,
                () -> LatticeRequest.builder()
                        .queryParameter("token", QUERY_SECRET)
                        .path("/documents/my report.pdf"));
        IllegalArgumentException after = assertThrows(
                IllegalArgumentException.class,
                () -> LatticeRequest.builder()
                        .url(fixture.url() + "/?token=" + QUERY_SECRET)
                        .path("/documents/my report.pdf"));
        IllegalArgumentException inUrl = assertThrows(
                IllegalArgumentException.class,
                () -> LatticeRequest.builder().url(fixture.url() + "/documents/my report.pdf?token=" + QUERY_SECRET));
        for (IllegalArgumentException e : List.of(before, after, inUrl)) {
            for (String text : messages(e)) {
                assertFalse(text.contains(QUERY_SECRET), "query in: " + text);
            }
        }
        assertTrue(before.getMessage().contains("index 13"), before::getMessage);
        // THEN the encoded form goes through, with its query
        try (LatticeClient client = fixture.client().build()) {
            client.send(r -> r.url(fixture.url())
                            .pathSegments("documents", "my report.pdf")
                            .queryParameter("token", QUERY_SECRET))
                    .ensureSuccess();
        }
        assertEquals(
                "/documents/my%20report.pdf?token=" + QUERY_SECRET,
                fixture.server().received.get(0).uri().getRawPath() + "?"
                        + fixture.server().received.get(0).uri().getRawQuery());
    }

    @Test
    void whateverFails_sendThrowsOnlyLatticeExceptions_namingNoQuery() throws Exception {
        // A closed port, a reset, garbage, and a body that cannot be serialized, each with a secret query
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<String> texts = new ArrayList<>();
        try (RawTlsServer garbage = RawTlsServer.start(socket -> {
                    RawTlsServer.readRequestHead(socket);
                    socket.getOutputStream().write(("HTTP/1.1 abc " + QUERY_SECRET + "\r\n\r\n").getBytes());
                });
                LatticeClient client = fixture.client().maxAttempts(2).build();
                LatticeAsyncClient async = fixture.asyncClient().maxAttempts(2).build()) {
            List<LatticeRequest> requests = List.of(
                    ClientFixture.get("https://127.0.0.1:" + closedPort + "/?token=" + QUERY_SECRET),
                    ClientFixture.get(garbage.url() + "/?token=" + QUERY_SECRET),
                    LatticeRequest.builder()
                            .method("POST")
                            .url(fixture.url() + "/?token=" + QUERY_SECRET)
                            .jsonBody(new Object())
                            .build());
            for (LatticeRequest request : requests) {
                texts.addAll(messages(assertThrows(LatticeClientException.class, () -> client.send(request))));
                CompletionException e = assertThrows(
                        CompletionException.class, () -> async.send(request).join());
                assertInstanceOf(LatticeClientException.class, e.getCause());
                texts.addAll(messages(e.getCause()));
            }
        }
        for (String text : texts) {
            assertFalse(text.contains(QUERY_SECRET), "query in: " + text);
        }
    }
}
