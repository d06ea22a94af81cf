/**
 * lattice-client-sdk: a SigV4-signing HTTPS client for services behind Amazon VPC Lattice, and its signing for other
 * HTTP clients. Exports {@code dev.vpclattice.client}, {@code dev.vpclattice.client.signing} and
 * {@code dev.vpclattice.client.jdk}; the implementation in {@code dev.vpclattice.client.internal} stays sealed.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.vpclattice.client {
    // Types of these modules appear in the public API (credentials provider, region, HTTP clients, ObjectMapper).
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.regions;
    requires transitive software.amazon.awssdk.http;
    requires transitive software.amazon.awssdk.identity.spi;
    requires transitive com.fasterxml.jackson.databind;
    requires software.amazon.awssdk.core;
    // BackoffStrategy.exponentialDelay: the retry delays.
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.http.auth.aws;
    requires software.amazon.awssdk.http.auth.spi;
    requires com.fasterxml.jackson.datatype.jsr310;
    // What VPC Lattice defines; none of its types is in this API.
    requires dev.vpclattice.contract;
    requires org.slf4j;
    // Apache HttpClient 5 (an automatic module, the default HTTP client) uses jdk.net.Sockets for TCP keep-alive
    // options; without this, a modular application fails with NoClassDefFoundError unless it adds jdk.net itself.
    requires jdk.net;
    // LatticeJdkHttpSigner signs the JDK HTTP client's requests.
    requires transitive java.net.http;

    // The async client's response bodies arrive as a Reactive Streams publisher (the SDK's async HTTP SPI).
    requires org.reactivestreams;

    // Optional: X-Ray and OpenTelemetry tracing are used only when present at run time.
    requires static com.amazonaws.xray.sdk_core;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;
    // Optional: the default HTTP clients, loaded only when no other was given. The HTTP client adapters leave
    // apache5-client out, since their own client sends; LatticeClient.builder().build() then names what to add.
    requires static software.amazon.awssdk.http.apache5;
    requires static software.amazon.awssdk.http.nio.netty;
    // Optional: service discovery (LatticeClient.Builder.service) uses the SDK's VPC Lattice client when present.
    requires static software.amazon.awssdk.services.vpclattice;

    exports dev.vpclattice.client;
    exports dev.vpclattice.client.signing;
    exports dev.vpclattice.client.jdk;
}
