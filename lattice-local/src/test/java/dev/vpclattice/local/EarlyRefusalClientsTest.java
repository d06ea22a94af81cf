package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Clients that send a whole request body before they read the answer, against a refusal that comes before the body
 * is read: a 7 MB signed POST (413, over Lambda's limit) and a 3 MB unsigned one (403). Each reads the refusal, and
 * the server ends TLS with close_notify. The clients are python's urllib, {@code java.net.http} without
 * expect-continue, curl with and without {@code Expect: 100-continue}, and {@code HttpsURLConnection}.
 */
@Timeout(300)
class EarlyRefusalClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRACE = "arn:aws:iam::123456789012:user/grace";
    private static final int SEVEN_MB = 7 * 1024 * 1024;
    private static final int THREE_MB = 3 * 1024 * 1024;
    private static final List<String> INVOKED = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    static LocalLattice lattice;
    static Path pem;
    static Path script;
    static SdkCaller signer;

    @BeforeAll
    static void start() throws IOException {
        lattice = LocalLattice.builder()
                .credential("AKIDGRACE", "grace-secret", GRACE)
                .target(event -> {
                    INVOKED.add(event.getPath());
                    return LocalLatticeCurlTest.echo(event);
                })
                .build();
        pem = dir.resolve("lattice.pem");
        lattice.certificate().writePem(pem);
        script = dir.resolve("early_refusal.py");
        try (InputStream in = EarlyRefusalClientsTest.class.getResourceAsStream("/early_refusal.py")) {
            Files.copy(in, script);
        }
        signer = new SdkCaller(lattice);
    }

    @AfterAll
    static void stop() {
        signer.close();
        lattice.close();
    }

    private static JsonNode python(String client, String path, int size, boolean signed) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("client", client);
        args.put("url", lattice.endpoint() + path);
        args.put("cafile", pem.toString());
        args.put("size", size);
        if (signed) {
            args.put("sign", Map.of("accessKey", "AKIDGRACE", "secret", "grace-secret", "region", "us-east-1"));
        }
        Process process = new ProcessBuilder("python3", script.toString(), JSON.writeValueAsString(args)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, process.exitValue(), err);
        return JSON.readTree(out);
    }

    /** The headers of a SigV4 signature over a POST to {@code path}, as the SDK signer makes them. */
    private static Map<String, String> sdkSignature(String path) {
        SdkHttpRequest signed = signer.sign(
                        SdkCaller.request(lattice.endpoint(), SdkHttpMethod.POST, path)
                                .putHeader("Content-Type", "application/octet-stream")
                                .build(),
                        null,
                        AwsCredentialsIdentity.create("AKIDGRACE", "grace-secret"),
                        r -> r)
                .request();
        Map<String, String> headers = new LinkedHashMap<>();
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return headers;
    }

    @Test
    void pythonUrllib_sevenMbSignedPost_reads413() throws Exception {
        for (int attempt = 0; attempt < 2; attempt++) {
            JsonNode answer = python("urllib", "/urllib-big", SEVEN_MB, true);

            assertEquals(413, answer.path("status").asInt(), answer.toString());
            assertTrue(answer.path("body").asText().startsWith("PayloadTooLargeException: "), answer.toString());
        }
        assertFalse(INVOKED.contains("/urllib-big"), INVOKED.toString());
    }

    @Test
    void pythonUrllib_unsignedPostsOfTwoToFourMb_read403() throws Exception {
        for (int size : new int[] {2 * 1024 * 1024, THREE_MB, 4 * 1024 * 1024}) {
            JsonNode answer = python("urllib", "/urllib-unsigned", size, false);

            assertEquals(403, answer.path("status").asInt(), size + " bytes: " + answer);
            assertTrue(
                    answer.path("body").asText().startsWith("AccessDeniedException: User: anonymous"),
                    answer.toString());
        }
        assertFalse(INVOKED.contains("/urllib-unsigned"), INVOKED.toString());
    }

    @Test
    void pythonTlsSocket_reads403_thenTheServerSendsCloseNotify() throws Exception {
        JsonNode answer = python("socket", "/socket-unsigned", THREE_MB, false);

        assertEquals(403, answer.path("status").asInt(), answer.toString());
        assertTrue(answer.path("cleanClose").asBoolean(), "the server closed TLS without close_notify: " + answer);
    }

    @Test
    void javaNetHttp_withoutExpectContinue_reads413And403() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(lattice.certificate().sslContext())
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        HttpRequest.Builder big = HttpRequest.newBuilder(URI.create(lattice.endpoint() + "/jdk-big"))
                .timeout(Duration.ofSeconds(60))
                .expectContinue(false)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[SEVEN_MB]));
        sdkSignature("/jdk-big").forEach(big::header);

        HttpResponse<String> tooLarge = http.send(big.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> denied = http.send(
                HttpRequest.newBuilder(URI.create(lattice.endpoint() + "/jdk-unsigned"))
                        .timeout(Duration.ofSeconds(60))
                        .expectContinue(false)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[THREE_MB]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        assertEquals(403, denied.statusCode(), denied.body());
        assertFalse(INVOKED.contains("/jdk-big") || INVOKED.contains("/jdk-unsigned"), INVOKED.toString());
    }

    @Test
    void curl_waitingForContinue_sendingAtOnce_andWithoutExpect_readsTheRefusal() throws Exception {
        Path big = dir.resolve("seven-mb.bin");
        Files.write(big, new byte[SEVEN_MB]);
        Path medium = dir.resolve("three-mb.bin");
        Files.write(medium, new byte[THREE_MB]);
        List<String> signed =
                new ArrayList<>(Curl.sign("aws:amz:us-east-1:vpc-lattice-svcs", "AKIDGRACE", "grace-secret"));
        signed.addAll(List.of("--data-binary", "@" + big, "-H", "Content-Type: application/octet-stream"));
        List<String> atOnce = new ArrayList<>(signed);
        // curl sends Expect: 100-continue, then the body as soon as this timeout passes, before any answer.
        atOnce.addAll(List.of("--expect100-timeout", "0.001"));

        Curl.Result waiting = Curl.run(pem, lattice.endpoint() + "/curl-expect", signed.toArray(String[]::new));
        Curl.Result sending = Curl.run(pem, lattice.endpoint() + "/curl-at-once", atOnce.toArray(String[]::new));
        // Unsigned, since curl 7.88 would sign the emptied Expect header it no longer sends.
        Curl.Result noExpect =
                Curl.run(pem, lattice.endpoint() + "/curl-no-expect", "--data-binary", "@" + medium, "-H", "Expect:");

        assertEquals(413, waiting.status(), waiting.body());
        assertEquals(413, sending.status(), sending.body());
        assertTrue(sending.body().startsWith("PayloadTooLargeException: "), sending.body());
        assertEquals(403, noExpect.status(), noExpect.body());
        assertTrue(noExpect.body().startsWith("AccessDeniedException: "), noExpect.body());
    }

    @Test
    void httpsUrlConnection_sevenMbSignedPost_reads413() throws Exception {
        HttpsURLConnection connection =
                (HttpsURLConnection) new URL(lattice.endpoint() + "/url-connection").openConnection();
        connection.setSSLSocketFactory(lattice.certificate().sslContext().getSocketFactory());
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(SEVEN_MB);
        connection.setConnectTimeout(20_000);
        connection.setReadTimeout(60_000);
        sdkSignature("/url-connection").forEach(connection::setRequestProperty);
        try {
            try (OutputStream out = connection.getOutputStream()) {
                out.write(new byte[SEVEN_MB]);
            }
        } catch (IOException e) {
            // A client that cannot finish the upload may still read the early answer: that is what is checked.
        }

        assertEquals(413, connection.getResponseCode());
        try (InputStream error = connection.getErrorStream()) {
            assertTrue(
                    new String(error.readAllBytes(), StandardCharsets.UTF_8).startsWith("PayloadTooLargeException: "));
        }
    }
}
