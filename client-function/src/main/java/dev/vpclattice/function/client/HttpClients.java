package dev.vpclattice.function.client;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The function's SDK HTTP client builders, handed to the library ({@code httpClientBuilder}), which applies its own
 * defaults (connect and read timeouts, pool size, an idle limit below Lattice's listener timeout). Each kind lives in
 * its own nested class: a class is linked (and its referenced types loaded for verification) as a whole, so the kinds
 * not chosen load nothing.
 */
final class HttpClients {
    private HttpClients() {}

    /**
     * Returns a builder of the given kind.
     *
     * @param kind the kind
     * @return a new builder, with nothing set but the CRT client's trust
     */
    static SdkHttpClient.Builder<?> builder(ClientConfiguration.HttpClientKind kind) {
        return switch (kind) {
            case CRT -> Crt.builder();
            case APACHE5 -> Apache5.builder();
            case URL_CONNECTION -> UrlConnection.builder();
        };
    }

    /** The native client: s2n TLS, verified against the system's CA bundle, or the JVM's trust-store properties. */
    static final class Crt {
        private Crt() {}

        static SdkHttpClient.Builder<?> builder() {
            // -Djavax.net.ssl.trustStore, when set, replaces the CA bundle as it does for JSSE; else no-op.
            return AwsCrtHttpClient.builder().useTrustStoreSystemProperties(true);
        }

        /**
         * The priming client: the SDK's CRT client has no per-client trust but this one, which it reads only from the
         * settings it is built with.
         */
        static SdkHttpClient trustingAllForPriming() {
            return AwsCrtHttpClient.builder()
                    .buildWithDefaults(AttributeMap.builder()
                            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                            .build());
        }
    }

    /** JSSE TLS against the JVM's trust store, plus what the library is told to trust. */
    static final class Apache5 {
        private Apache5() {}

        static SdkHttpClient.Builder<?> builder() {
            return Apache5HttpClient.builder();
        }
    }

    /** The JDK's {@code HttpsURLConnection}: JSSE TLS against the JVM's trust store unless a trust is given. */
    static final class UrlConnection {
        private UrlConnection() {}

        static SdkHttpClient.Builder<?> builder() {
            return UrlConnectionHttpClient.builder();
        }
    }
}
