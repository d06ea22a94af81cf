package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The packaged command fronting an HTTP target ({@code serve --target-url}) in a JVM whose heap is capped at 64 MB,
 * streaming a 256 MiB body to the target and a 256 MiB answer back through it in one signed exchange: both arrive
 * intact, which they could not if either were held in memory.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpTargetCliIT {
    private static final Path JAR = Path.of("target", "lattice-local.jar").toAbsolutePath();
    private static final long SIZE = 256L * 1024 * 1024;
    private static final String HEAP = "-Xmx64m";

    @TempDir
    static Path dir;

    static RecordingTarget target;
    static ServeProcess serve;
    static URI endpoint;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        target = new RecordingTarget();
        Path pem = dir.resolve("serve.pem");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                "0",
                "--target-url",
                target.url().toString(),
                "--credential",
                "AKIDSTREAM:stream-secret:arn:aws:iam::123456789012:user/streamer",
                "--cert-out",
                pem.toString());
        serve = ServeProcess.start(builder);
        assertTrue(serve.announced.contains("HTTP target " + target.url()), serve.announced);
        endpoint = URI.create(serve.url);

        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry(
                    "lattice", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serve != null) {
            serve.close();
        }
        if (target != null) {
            target.close();
        }
    }

    /** The headers AwsV4HttpSigner adds for the request, unsigned payload, as Lattice needs. */
    private static Map<String, List<String>> signature(SdkHttpMethod method, String path) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(endpoint)
                .method(method)
                .encodedPath(path)
                .putHeader("content-type", "application/octet-stream")
                .build();
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsCredentialsIdentity.create("AKIDSTREAM", "stream-secret"))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC()))
                .request()
                .headers();
    }

    @Test
    void quarterGigabyteEachWay_streamsThroughA64MegabyteHeap() throws Exception {
        String path = "/stream/" + SIZE;
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(Duration.ofMinutes(4))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> RecordingTarget.Bytes.stream(SIZE)), SIZE));
        signature(SdkHttpMethod.PUT, path).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(value -> request.header(name, value));
            }
        });

        long started = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String answered;
        try (InputStream body = response.body()) {
            answered = RecordingTarget.sha256(body);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(200, response.statusCode(), serve.stderr::toString);
        String expected = RecordingTarget.Bytes.digestOf(SIZE);
        assertEquals(
                expected, response.headers().firstValue("x-received-sha256").orElse(null), "what the target read");
        assertEquals(expected, answered, "what came back");
        assertTrue(serve.process.isAlive(), "serve died: " + serve.stderr);
        assertTrue(!serve.stderr.toString().contains("OutOfMemoryError"), serve.stderr.toString());
        // Reported, not asserted: timing on a shared machine is not a correctness property.
        System.out.println("[measure] " + (2 * SIZE >> 20) + " MiB through serve --target-url (" + HEAP + ") in "
                + took.toMillis() + " ms");
    }

    @Test
    void serveFrontsTheTarget_withTheSignersIdentity() throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(endpoint.resolve("/whoami")).GET();
        signature(SdkHttpMethod.GET, "/whoami").forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(value -> request.header(name, value));
            }
        });

        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "Principal=arn:aws:iam::123456789012:user/streamer;",
                target.last().header("x-amzn-lattice-identity"));
        // serve writes the line once the answer is delivered: it may reach its stderr just after the answer.
        String line = "GET /whoami 200 arn:aws:iam::123456789012:user/streamer ";
        for (int i = 0; i < 200 && !serve.stderr.toString().contains(line); i++) {
            Thread.sleep(50);
        }
        assertTrue(serve.stderr.toString().contains(line), serve.stderr.toString());
    }
}
