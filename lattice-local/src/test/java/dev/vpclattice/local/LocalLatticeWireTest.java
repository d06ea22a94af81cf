package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP-level behaviour of a local Lattice seen by clients that are not SigV4 signers: HEAD, bodies, hosts. */
@Timeout(120)
class LocalLatticeWireTest {
    static LocalLattice lattice;
    static SSLContext tls;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        lattice = LocalLattice.builder()
                .credential("AKIDWIRE", "wire-secret", null)
                .target(event -> VpcLatticeV2Response.builder().statusCode(200).body("ok").build())
                .build();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("local-lattice", lattice.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        lattice.close();
    }

    @Test
    void unsignedHead_gets403_withoutTheServerWarningAboutABodyLength() throws Exception {
        // The JDK server reports a body length passed for a HEAD answer as a WARNING on this logger.
        Logger serverLogger = Logger.getLogger("com.sun.net.httpserver");
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(String.valueOf(record.getMessage()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        serverLogger.addHandler(capture);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(lattice.endpoint() + "/h"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(403, response.statusCode());
            assertEquals("", response.body());
            assertTrue(warnings.isEmpty(), "server warnings: " + warnings);
        } finally {
            serverLogger.removeHandler(capture);
        }
    }
}
