package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.OptionalDependencies;
import dev.vpclattice.contract.ListenerLimits;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /** Set by Lambda in every function's environment. */
    static final String LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";

    /** The SDK's AWS CRT HTTP client, of {@code software.amazon.awssdk:aws-crt-client}. */
    static final String CRT_HTTP_CLIENT = "software.amazon.awssdk.http.crt.AwsCrtHttpClient";

    private static final Logger LOG = LoggerFactory.getLogger(HttpClients.class);

    private HttpClients() {}

    /**
     * Builds the HTTP client.
     *
     * @param builder the caller's builder, or {@code null} for the library's default ({@code AwsCrtHttpClient} in
     *     a Lambda function that has it, else {@code Apache5HttpClient}, which must then be on the class path:
     *     {@link OptionalDependencies#APACHE5_HTTP_CLIENT})
     * @param connectTimeout the connect timeout
     * @param readTimeout the socket read timeout
     * @param trust the trust manager to use, or {@code null} for the JVM's default trust
     * @return the client, owned by the caller
     */
    public static SdkHttpClient build(
            SdkHttpClient.Builder<?> builder, Duration connectTimeout, Duration readTimeout, TrustManager trust) {
        SdkHttpClient.Builder<?> chosen = builder != null
                ? builder
                : defaultBuilder(trust, System.getenv(), System.getProperty("javax.net.ssl.trustStore"), CLASS_PATH);
        return chosen.buildWithDefaults(defaults(connectTimeout, readTimeout, trust));
    }

    private static final Predicate<String> CLASS_PATH = OptionalDependencies.CLASSPATH;

    /**
     * Chooses the HTTP client when the caller chose none: {@code AwsCrtHttpClient} inside a Lambda function, where it
     * measured fastest from a cold start (native TLS, no JSSE to load), if it is on the class path and the trust is
     * the default one it would apply the same way; {@code Apache5HttpClient} everywhere else. The CRT client ignores
     * per-client trust managers, and reads the JVM's trust-store properties only when told to, so either keeps
     * Apache 5.
     *
     * @param trust the per-client trust asked for, or {@code null}
     * @param environment the process environment
     * @param jvmTrustStore the {@code javax.net.ssl.trustStore} property, or {@code null}
     * @param classPath tells whether a class is on the class path
     * @return the builder
     */
    static SdkHttpClient.Builder<?> defaultBuilder(
            TrustManager trust, Map<String, String> environment, String jvmTrustStore, Predicate<String> classPath) {
        if (trust == null
                && jvmTrustStore == null
                && environment.get(LAMBDA_FUNCTION_NAME) != null
                && classPath.test(CRT_HTTP_CLIENT)) {
            SdkHttpClient.Builder<?> crt = Crt.builder();
            if (crt != null) {
                LOG.debug(
                        "In a Lambda function ({} is set) with aws-crt-client on the class path: sending with {},"
                                + " the fastest HTTP client from a cold start there",
                        LAMBDA_FUNCTION_NAME,
                        CRT_HTTP_CLIENT);
                return crt;
            }
        }
        return Apache5.builder();
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

    /** The CRT client's builder, found by name: aws-crt-client is not a dependency of the library. */
    private static final class Crt {
        private Crt() {}

        static SdkHttpClient.Builder<?> builder() {
            try {
                return (SdkHttpClient.Builder<?>)
                        Class.forName(CRT_HTTP_CLIENT, true, HttpClients.class.getClassLoader())
                                .getMethod("builder")
                                .invoke(null);
            } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                LOG.debug(
                        "{} is on the class path but could not be built; using Apache5HttpClient", CRT_HTTP_CLIENT, e);
                return null;
            }
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
