package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.AttributeMap;

/** Per-client trust, and settings that the client either applies to its HTTP client or refuses at build time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeClientConfigurationTest {
    @RegisterExtension
    static final ClientFixture fixture = ClientFixture.https();

    @TempDir
    static Path work;

    private static LatticeClient.Builder client() {
        return LatticeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDCONFIGTEST000001", "config-test-secret")))
                .maxAttempts(1)
                .tracing(false);
    }

    private static Path pem() throws Exception {
        Path file = work.resolve("fixture.server().pem");
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(TestTls.INSTANCE.certificate.getEncoded());
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
        return file;
    }

    @Test
    void trustedCertificates_fromAPemFile_letTheDefaultHttpClientCallAPrivateServer() throws Exception {
        try (LatticeClient client = client().trustedCertificates(pem()).build()) {
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
        }
    }

    @Test
    void trustedCertificates_andTrustManagers_work_andChangeNothingJvmWide() throws Exception {
        Properties before = (Properties) System.getProperties().clone();
        SSLContext defaultContext = SSLContext.getDefault();
        try (LatticeClient byCertificate = client().trustedCertificates(TestTls.INSTANCE.certificate)
                        .build();
                LatticeClient byManager =
                        client().trustManagers(TestTls.INSTANCE.trustManagers).build()) {
            assertEquals(
                    200,
                    byCertificate
                            .send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
            assertEquals(
                    200,
                    byManager
                            .send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());

            // THEN the JVM's own TLS still does not trust the private certificate, and no javax.net.ssl setting changed
            assertSame(defaultContext, SSLContext.getDefault());
            HttpsURLConnection plain = (HttpsURLConnection) new java.net.URL(fixture.url()).openConnection();
            assertThrows(SSLHandshakeException.class, plain::getResponseCode);
            Map<Object, Object> now = new HashMap<>(System.getProperties());
            now.keySet().removeIf(k -> !String.valueOf(k).startsWith("javax.net.ssl"));
            Map<Object, Object> then = new HashMap<>(before);
            then.keySet().removeIf(k -> !String.valueOf(k).startsWith("javax.net.ssl"));
            assertEquals(then, now);
        }
    }

    @Test
    void withoutAddedTrust_aPrivateServerIsRejected_asACertificateErrorThatIsNotRetried() {
        try (LatticeClient client = client().maxAttempts(3).build()) {
            LatticeClientException e = assertThrows(
                    LatticeClientException.class,
                    () -> client.send(
                            LatticeRequest.builder().url(fixture.url()).build()));
            assertEquals(1, e.attempts(), e::getMessage);
            assertTrue(e.getMessage().contains("retrying cannot fix"), e::getMessage);
        }
    }

    @Test
    void addedTrust_keepsTheJvmDefaultTrustAnchors() throws Exception {
        // The trust handed to the HTTP client is captured through a recording builder.
        AtomicReference<AttributeMap> handed = new AtomicReference<>();
        SdkHttpClient.Builder<?> recording = new RecordingBuilder() {
            @Override
            public SdkHttpClient buildWithDefaults(AttributeMap defaults) {
                handed.set(defaults);
                return Apache5HttpClient.builder().buildWithDefaults(defaults);
            }
        };
        try (LatticeClient client = client().httpClientBuilder(recording)
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .connectTimeout(Duration.ofMillis(1234))
                .readTimeout(Duration.ofMillis(5678))
                .build()) {
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
        }
        AttributeMap defaults = handed.get();
        assertEquals(Duration.ofMillis(1234), defaults.get(SdkHttpConfigurationOption.CONNECTION_TIMEOUT));
        assertEquals(Duration.ofMillis(5678), defaults.get(SdkHttpConfigurationOption.READ_TIMEOUT));
        javax.net.ssl.X509TrustManager trust =
                (javax.net.ssl.X509TrustManager) defaults.get(SdkHttpConfigurationOption.TLS_TRUST_MANAGERS_PROVIDER)
                        .trustManagers()[0];
        javax.net.ssl.TrustManagerFactory jvm =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        jvm.init((java.security.KeyStore) null);
        java.util.List<java.security.cert.X509Certificate> accepted = java.util.List.of(trust.getAcceptedIssuers());
        java.security.cert.X509Certificate[] jvmAnchors =
                ((javax.net.ssl.X509TrustManager) jvm.getTrustManagers()[0]).getAcceptedIssuers();
        assertTrue(jvmAnchors.length > 0, "the JVM trusts public CAs");
        assertTrue(accepted.containsAll(java.util.List.of(jvmAnchors)), "every JVM default anchor is still trusted");
        assertTrue(accepted.contains(TestTls.INSTANCE.certificate));
        // An unknown server is still refused by the combined trust.
        CertificateException refused = assertThrows(
                CertificateException.class,
                () -> trust.checkServerTrusted(
                        new java.security.cert.X509Certificate[] {TestTls.other()}, "ECDHE_ECDSA"));
        assertTrue(refused.getMessage() != null);
    }

    /** An SDK HTTP client builder that records what it is handed. */
    private abstract static class RecordingBuilder implements SdkHttpClient.Builder<RecordingBuilder> {}

    @Test
    void httpClientBuilder_ofAnotherSdkHttpClient_getsTheTimeoutsAndTrust() {
        try (LatticeClient client = client().httpClientBuilder(UrlConnectionHttpClient.builder())
                .trustedCertificates(TestTls.INSTANCE.certificate)
                .build()) {
            assertEquals(
                    200,
                    client.send(LatticeRequest.builder().url(fixture.url()).build())
                            .statusCode());
        }
    }

    @Test
    void httpClient_withTimeoutsOrTrust_isRefusedAtBuild_namingTheSettings() {
        try (SdkHttpClient http = TestTls.trustingClient()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> client().httpClient(http)
                            .readTimeout(Duration.ofSeconds(1))
                            .trustedCertificates(TestTls.INSTANCE.certificate)
                            .build());
            assertTrue(
                    e.getMessage()
                            .startsWith("The httpClient and readTimeout, trustedCertificates can't both be"
                                    + " configured"),
                    e::getMessage);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> client().httpClient(http)
                            .httpClientBuilder(Apache5HttpClient.builder())
                            .build());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> client().httpClient(http)
                            .connectTimeout(Duration.ofSeconds(1))
                            .build());
            // Alone, it is used as it is.
            try (LatticeClient client = client().httpClient(http).build()) {
                assertEquals(
                        200,
                        client.send(LatticeRequest.builder().url(fixture.url()).build())
                                .statusCode());
            }
        }
    }

    @Test
    void trustedCertificates_fromAFileWithoutCertificates_isRefusedNamingTheFile() throws Exception {
        Path empty = Files.writeString(work.resolve("empty.pem"), "not a certificate\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> client().trustedCertificates(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e::getMessage);
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class, () -> client().trustedCertificates(work.resolve("missing.pem")));
        assertInstanceOf(java.nio.file.NoSuchFileException.class, missing.getCause());
    }
}
