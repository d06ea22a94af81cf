package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The redacted wire log, turned on the way a user would (the logger {@code dev.vpclattice.client.wire} at DEBUG, here
 * through the tests' SLF4J provider, slf4j-jdk14, into a log file), then the file searched for every secret of the
 * calls: it shows what was sent and answered, and none of the credentials, signatures, cookies or query values.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientWireLogTest {
    static final String ACCESS_KEY = "AKIDWIRELOGTEST00001";
    static final String SECRET_KEY = "wire-log-secret-key-never-logged-00000000";
    static final String SESSION_TOKEN = "wire-log-session-token-never-logged-IQoJb3JpZ2lu";
    static final String COOKIE = "session=wire-log-cookie-never-logged";
    static final String SET_COOKIE = "id=wire-log-set-cookie-never-logged; Secure";
    static final String API_KEY = "wire-log-api-key-never-logged";
    static final String PROXY_AUTHORIZATION = "Basic d2lyZS1sb2ctcHJveHktbmV2ZXItbG9nZ2Vk";
    static final String QUERY_SECRET = "wire-log-query-token-never-logged";

    // JUL keeps loggers weakly: hold it so its level stays while the test runs.
    private static final Logger WIRE = Logger.getLogger("dev.vpclattice.client.wire");

    @TempDir
    Path dir;

    private Path logFile;
    private FileHandler file;
    private Level previousLevel;

    @BeforeEach
    void logToAFile() throws IOException {
        logFile = dir.resolve("wire.log");
        file = new FileHandler(logFile.toString());
        file.setFormatter(new SimpleFormatter());
        file.setLevel(Level.ALL);
        previousLevel = WIRE.getLevel();
        WIRE.addHandler(file);
    }

    @AfterEach
    void restore() {
        WIRE.removeHandler(file);
        WIRE.setLevel(previousLevel);
        file.close();
    }

    private String log() throws IOException {
        file.flush();
        return Files.readString(logFile, StandardCharsets.UTF_8);
    }

    private static LatticeClient client(SdkHttpClient http, Duration callTimeout) {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)))
                .httpClient(http)
                .backoffBase(Duration.ofMillis(1))
                .callTimeout(callTimeout)
                .tracing(false)
                .wireLogRedactedHeaders("X-Api-Key")
                .build();
    }

    private static LatticeRequest request(TestHttpsServer server) {
        return LatticeRequest.builder()
                .method("POST")
                .url(server.url() + "/orders?token=" + QUERY_SECRET)
                .header("Cookie", COOKIE)
                .header("x-api-key", API_KEY)
                .header("Proxy-Authorization", PROXY_AUTHORIZATION)
                .header("content-type", "application/json")
                .body("{\"order\":1}")
                .retryable(true)
                .build();
    }

    @Test
    void atDebug_logsRequestLineHeadersStatusAndDurations_withNoSecret() throws Exception {
        WIRE.setLevel(Level.FINE);
        List<String> signatures = new ArrayList<>();
        try (TestHttpsServer server = TestHttpsServer.https();
                SdkHttpClient http = TestTls.trustingClient();
                LatticeClient client = client(http, Duration.ofSeconds(30));
                LatticeClient impatient = client(http, Duration.ofMillis(300))) {
            // GIVEN a service that answers 503 (with a cookie) once, then 200
            server.handler = (exchange, request) -> {
                if (server.received.size() == 1) {
                    TestHttpsServer.respond(exchange, 503, Map.of("Set-Cookie", SET_COOKIE), "busy");
                } else {
                    TestHttpsServer.respond(
                            exchange,
                            200,
                            Map.of("Set-Cookie", SET_COOKIE, "Content-Type", "application/json"),
                            "{\"ok\":true}");
                }
            };
            // WHEN a call is retried and answered, and another times out
            assertEquals(200, client.send(request(server)).statusCode());
            server.handler = (exchange, request) -> server.closing.await(10, TimeUnit.SECONDS);
            assertThrows(LatticeCallTimeoutException.class, () -> impatient.send(request(server)));

            for (TestHttpsServer.Received received : server.received) {
                String authorization = received.header("authorization");
                signatures.add(authorization.substring(authorization.indexOf("Signature=") + "Signature=".length()));
                assertEquals(COOKIE, received.header("cookie"), "the cookie is still sent");
            }
            String log = log();
            String line = "POST " + server.url() + "/orders (query not logged: 1 parameter)";

            // THEN the log shows each attempt as sent and answered
            assertTrue(log.contains("--> " + line + " attempt 1: headers {"), log);
            assertTrue(log.contains("--> " + line + " attempt 2: headers {"), log);
            assertTrue(log.contains("<-- 503 " + line + " attempt 1: "), log);
            assertTrue(log.contains("<-- 200 " + line + " attempt 2: "), log);
            assertTrue(log.contains("11-byte body"), log);
            assertTrue(log.contains("<-- FAILED " + line + " attempt 1: after "), log);
            assertTrue(log.contains("LatticeCallTimeoutException"), log);
            assertTrue(log.contains("=== " + line + " ended after 2 attempt(s) in "), log);
            assertTrue(log.matches("(?s).*attempt 2: \\d+\\.\\d ms \\(call \\d+\\.\\d ms\\).*"), log);
            // with the header names, and the values that are not secret
            for (String header : List.of(
                    "Authorization=REDACTED",
                    "X-Amz-Security-Token=REDACTED",
                    "Cookie=REDACTED",
                    "x-api-key=REDACTED",
                    "Proxy-Authorization=REDACTED",
                    "Set-Cookie=REDACTED",
                    "x-amz-content-sha256=UNSIGNED-PAYLOAD",
                    "content-type=application/json",
                    "X-Amz-Date=")) {
                assertTrue(log.toLowerCase().contains(header.toLowerCase()), header + " in " + log);
            }
            // AND none of the secrets
            List<String> secrets = new ArrayList<>(List.of(
                    ACCESS_KEY,
                    SECRET_KEY,
                    SESSION_TOKEN,
                    COOKIE,
                    "wire-log-cookie-never-logged",
                    "wire-log-set-cookie-never-logged",
                    API_KEY,
                    PROXY_AUTHORIZATION,
                    QUERY_SECRET,
                    "Signature="));
            secrets.addAll(signatures);
            assertEquals(3, signatures.size());
            for (String secret : secrets) {
                assertFalse(log.contains(secret), () -> "'" + secret + "' in the wire log:\n" + log);
            }
        }
    }

    @Test
    void belowDebug_logsNothing() throws Exception {
        WIRE.setLevel(Level.INFO);
        try (TestHttpsServer server = TestHttpsServer.https();
                SdkHttpClient http = TestTls.trustingClient();
                LatticeClient client = client(http, Duration.ofSeconds(30))) {
            assertEquals(200, client.send(request(server)).statusCode());
            assertEquals(1, server.received.size());
        }
        assertEquals("", log());
    }
}
