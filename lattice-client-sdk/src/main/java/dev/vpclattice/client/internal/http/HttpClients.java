package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.contract.ListenerLimits;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the HTTP client a {@code LatticeClient} or {@code LatticeAsyncClient} owns, from any SDK HTTP client
 * builder, with the client's settings passed as the SDK passes service defaults: through
 * {@link SdkHttpClient.Builder#buildWithDefaults} and {@link SdkHttpConfigurationOption} keys, which Apache 5, CRT,
 * URL-connection and Netty builders all read. A value set on
 * the builder itself wins over these defaults, as in the SDK.
 */
@LatticeInternalApi
public final class HttpClients {
    /** The pool size of the library's default HTTP client. */
    static final int MAX_CONNECTIONS = 50;

    private HttpClients() {}

    /**
     * Builds the HTTP client.
     *
     * @param builder the caller's builder, or {@code null} for {@code Apache5HttpClient}, which must then be on the
     *     class path ({@link OptionalDependencies#APACHE5_HTTP_CLIENT})
     * @param connectTimeout the connect timeout
     * @param readTimeout the socket read timeout
     * @param trust the trust manager to use, or {@code null} for the JVM's default trust
     * @return the client, owned by the caller
     */
    public static SdkHttpClient build(
            SdkHttpClient.Builder<?> builder, Duration connectTimeout, Duration readTimeout, TrustManager trust) {
        SdkHttpClient.Builder<?> chosen = builder != null ? builder : Apache5.builder();
        return chosen.buildWithDefaults(defaults(connectTimeout, readTimeout, trust));
    }

    /**
     * Builds the async HTTP client, from the caller's builder or the SDK's {@code NettyNioAsyncHttpClient}, with the
     * same settings as {@link #build}.
     *
     * @param builder the caller's builder, or {@code null} for {@code NettyNioAsyncHttpClient}, which must then be on
     *     the class path ({@link OptionalDependencies#NETTY_ASYNC_CLIENT})
     * @param connectTimeout the connect timeout
     * @param readTimeout the read timeout
     * @param trust the trust manager to use, or {@code null} for the JVM's default trust
     * @return the client, owned by the caller
     */
    public static SdkAsyncHttpClient buildAsync(
            SdkAsyncHttpClient.Builder<?> builder, Duration connectTimeout, Duration readTimeout, TrustManager trust) {
        SdkAsyncHttpClient.Builder<?> chosen = builder != null ? builder : Netty.builder();
        return chosen.buildWithDefaults(defaults(connectTimeout, readTimeout, trust));
    }

    /**
     * Tells whether a builder is one of the AWS CRT HTTP clients', which ignore the trust-managers setting: the CRT
     * checks certificates natively, against the system's trust store or {@code javax.net.ssl.trustStore}.
     *
     * @param builder an SDK HTTP client builder
     * @return whether it builds a CRT client
     */
    public static boolean isCrt(Object builder) {
        return builder.getClass().getName().startsWith("software.amazon.awssdk.http.crt.");
    }

    /**
     * Returns the settings handed to the builder.
     *
     * @param connectTimeout the connect timeout
     * @param readTimeout the socket read timeout
     * @param trust the trust manager, or {@code null}
     * @return the attribute map
     */
    public static AttributeMap defaults(Duration connectTimeout, Duration readTimeout, TrustManager trust) {
        AttributeMap.Builder map = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.CONNECTION_TIMEOUT, connectTimeout)
                .put(SdkHttpConfigurationOption.READ_TIMEOUT, readTimeout)
                .put(SdkHttpConfigurationOption.MAX_CONNECTIONS, MAX_CONNECTIONS)
                .put(SdkHttpConfigurationOption.TCP_KEEPALIVE, true)
                .put(SdkHttpConfigurationOption.CONNECTION_MAX_IDLE_TIMEOUT, ListenerLimits.CLIENT_MAX_IDLE)
                .put(SdkHttpConfigurationOption.REAP_IDLE_CONNECTIONS, true);
        if (trust != null) {
            TrustManager[] managers = {trust};
            TlsTrustManagersProvider provider = () -> managers;
            map.put(SdkHttpConfigurationOption.TLS_TRUST_MANAGERS_PROVIDER, provider);
        }
        return map.build();
    }

    /** Its own class so that nothing links Apache 5 before {@link OptionalDependencies} found it on the class path. */
    private static final class Apache5 {
        private Apache5() {}

        static SdkHttpClient.Builder<?> builder() {
            return software.amazon.awssdk.http.apache5.Apache5HttpClient.builder();
        }
    }

    /** Its own class so that nothing links Netty before {@link OptionalDependencies} found it on the class path. */
    private static final class Netty {
        private Netty() {}

        static SdkAsyncHttpClient.Builder<?> builder() {
            return software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder();
        }
    }
}
