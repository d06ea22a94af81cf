package dev.vpclattice.function.client;

import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the function's SDK HTTP client. Each kind lives in its own nested class: a class is linked (and its
 * referenced types loaded for verification) as a whole, so the kinds not chosen load nothing.
 */
final class HttpClients {
    /** The library's default connect timeout, kept for every kind. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The library's default read timeout (longest silence while waiting for bytes). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Below the 60 s idle timeout of VPC Lattice's listeners, so the client never reuses a connection it closed. */
    static final Duration MAX_IDLE = Duration.ofSeconds(50);

    private HttpClients() {}

    /**
     * Builds a client of the given kind, or returns null for {@code APACHE5}, which the library builds itself.
     *
     * @param kind the kind
     * @return the client, or null to use the library's default
     */
    static SdkHttpClient create(ClientConfiguration.HttpClientKind kind) {
        return switch (kind) {
            case APACHE5 -> null;
            case CRT -> Crt.create(false);
            case URL_CONNECTION -> UrlConnection.create(null);
        };
    }

    /** The native client: s2n TLS, verified against the system's CA bundle, or the JVM's trust-store properties. */
    static final class Crt {
        private Crt() {}

        static SdkHttpClient create(boolean trustAllForPriming) {
            AwsCrtHttpClient.Builder builder = AwsCrtHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .connectionMaxIdleTime(MAX_IDLE)
                    // -Djavax.net.ssl.trustStore, when set, replaces the CA bundle as it does for JSSE; else no-op.
                    .useTrustStoreSystemProperties(true);
            return trustAllForPriming
                    ? builder.buildWithDefaults(AttributeMap.builder()
                            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                            .build())
                    : builder.build();
        }
    }

    /** The Apache 5 client with a trust of its own, for priming; the function's own one is the library's default. */
    static final class Apache5 {
        private Apache5() {}

        static SdkHttpClient create(Supplier<TrustManager[]> trust) {
            return Apache5HttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(READ_TIMEOUT)
                    .tlsTrustManagersProvider(trust::get)
                    .build();
        }
    }

    /** The JDK's {@code HttpsURLConnection}: JSSE TLS against the JVM's trust store unless a trust is given. */
    static final class UrlConnection {
        private UrlConnection() {}

        static SdkHttpClient create(Supplier<TrustManager[]> trust) {
            UrlConnectionHttpClient.Builder builder = UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(READ_TIMEOUT);
            if (trust != null) {
                builder.tlsTrustManagersProvider(trust::get);
            }
            return builder.build();
        }
    }
}
