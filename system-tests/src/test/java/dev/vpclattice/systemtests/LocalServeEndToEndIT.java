package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.LatticeServiceException;
import dev.vpclattice.lambda.local.SamMakefileBuild;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The whole data path on one machine, through the packaged command a user runs: lattice-client-sdk signs a request,
 * {@code lattice-local.jar serve} verifies it as VPC Lattice does and builds the V2 event, and the service function's
 * SAM artifact answers from inside the real Lambda Java runtime client.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalServeEndToEndIT {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final String ACCESS_KEY = "AKIDENDTOENDALLOWED";
    static final String SECRET = "FAKE-SECRET-end-to-end-0001";
    static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/ClientFunctionRole/e2e";
    static final String OTHER_KEY = "AKIDENDTOENDDENIED";
    static final String OTHER_SECRET = "FAKE-SECRET-end-to-end-0002";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    static Process serve;
    static final StringBuffer serveErr = new StringBuffer();
    static String endpoint;
    static SdkHttpClient http;

    @BeforeAll
    static void serveTheServiceFunction() throws Exception {
        Path function =
                SamMakefileBuild.build(ROOT, "ServiceFunction", work.resolve("ServiceFunction"), Duration.ofMinutes(8));
        Path jar = ROOT.resolve("lattice-local/target/lattice-local.jar");
        assertTrue(Files.isRegularFile(jar), "lattice-local must be packaged before this module: " + jar);
        Path trustStore = work.resolve("lattice.p12");

        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "serve",
                "--port",
                "0",
                "--auth-type",
                "AWS_IAM",
                "--function-dir",
                function.toString(),
                "--handler",
                "dev.vpclattice.function.service.EchoHandler",
                "--credential",
                ACCESS_KEY + ":" + SECRET + ":" + PRINCIPAL,
                "--credential",
                OTHER_KEY + ":" + OTHER_SECRET + ":arn:aws:iam::123456789012:role/NotAllowed",
                "--allow",
                PRINCIPAL,
                "--truststore-out",
                trustStore.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        serve = builder.start();
        drain(serve.getErrorStream(), serveErr);
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return null;
                    }
                })
                .get(90, TimeUnit.SECONDS);
        assertTrue(
                first != null && first.startsWith("Local VPC Lattice listening on https://"),
                () -> "serve did not announce its URL: " + first + "\n" + serveErr);
        endpoint = first.substring(first.indexOf("https://")).split("\\s")[0];
        drain(serve.getInputStream(), new StringBuffer());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        http = Apache5HttpClient.builder()
                .tlsTrustManagersProvider(trust::getTrustManagers)
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (serve != null) {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void get_withRepeatedQuery_isEchoedWithTheSignersIdentity() throws Exception {
        try (LatticeClient client = client(ACCESS_KEY, SECRET)) {
            LatticeResponse response = client.send(LatticeRequest.builder()
                    .url(endpoint)
                    .path("/orders")
                    .queryParameter("id", "1")
                    .queryParameter("tag", "a")
                    .queryParameter("tag", "b")
                    .header("X-Request-Note", "end to end")
                    .build());

            assertEquals(200, response.statusCode(), response::bodyAsString);
            assertEquals(
                    "application/json", response.firstHeader("content-type").orElseThrow());
            JsonNode event = JSON.readTree(response.body());
            assertEquals("2.0", event.get("version").asText());
            assertEquals("GET", event.get("method").asText());
            assertTrue(
                    event.get("path").asText().startsWith("/orders?"),
                    event.get("path").asText());
            assertEquals(
                    JSON.readTree("[\"1\"]"), event.get("queryStringParameters").get("id"));
            assertEquals(
                    JSON.readTree("[\"a\",\"b\"]"),
                    event.get("queryStringParameters").get("tag"));
            assertEquals(
                    "end to end",
                    event.get("headers").get("x-request-note").get(0).asText());
            assertEquals(
                    "[REDACTED]",
                    event.get("headers").get("authorization").get(0).asText());
            assertEquals(
                    "UNSIGNED-PAYLOAD",
                    event.get("headers").get("x-amz-content-sha256").get(0).asText());
            JsonNode identity = event.get("requestContext").get("identity");
            assertEquals("AWS_IAM", identity.get("type").asText());
            assertEquals(PRINCIPAL, identity.get("principal").asText());
            assertEquals("us-east-1", event.get("requestContext").get("region").asText());
        }
    }

    @Test
    void post_jsonAndBinaryBodies_arriveIntact() throws Exception {
        byte[] binary = new byte[4096];
        new Random(7).nextBytes(binary);
        try (LatticeClient client = client(ACCESS_KEY, SECRET)) {
            JsonNode json = JSON.readTree(client.send(LatticeRequest.builder()
                            .method("POST")
                            .url(endpoint)
                            .path("/orders")
                            .jsonBody(Map.of("item", "widget", "quantity", 3))
                            .build())
                    .ensureSuccess()
                    .body());
            JsonNode bin = JSON.readTree(client.send(LatticeRequest.builder()
                            .method("PUT")
                            .url(endpoint)
                            .path("/blobs/1")
                            .header("content-type", "application/octet-stream")
                            .body(binary)
                            .build())
                    .ensureSuccess()
                    .body());

            assertEquals(
                    JSON.readTree("{\"item\":\"widget\",\"quantity\":3}"),
                    JSON.readTree(json.get("body").asText()));
            assertFalse(json.get("isBase64Encoded").asBoolean());
            assertTrue(bin.get("isBase64Encoded").asBoolean());
            assertArrayEquals(binary, Base64.getDecoder().decode(bin.get("body").asText()));
        }
    }

    @Test
    void principalOutsideTheAuthPolicy_andWrongSecret_areRefusedWith403() {
        try (LatticeClient denied = client(OTHER_KEY, OTHER_SECRET);
                LatticeClient forged = client(ACCESS_KEY, "not-the-secret")) {
            LatticeServiceException notAllowed =
                    denied.send(LatticeRequest.builder().url(endpoint).build()).toException();
            LatticeServiceException badSignature =
                    forged.send(LatticeRequest.builder().url(endpoint).build()).toException();

            assertEquals(403, notAllowed.statusCode());
            assertEquals("AccessDeniedException", notAllowed.errorCode());
            assertTrue(notAllowed.errorMessage().contains("role/NotAllowed"), notAllowed.errorMessage());
            assertEquals(403, badSignature.statusCode());
            assertEquals("InvalidSignatureException", badSignature.errorCode(), badSignature.getMessage());
        }
        assertFalse(serveErr.toString().contains(SECRET), "a secret reached serve's log");
        assertFalse(serveErr.toString().contains("Signature="), "a signature reached serve's log");
    }

    private static LatticeClient client(String accessKey, String secret) {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(http)
                .build();
    }

    private static void drain(InputStream in, StringBuffer sink) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.append(line).append('\n');
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
    }
}
