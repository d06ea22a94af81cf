package dev.vpclattice.client.internal;

import com.sun.net.httpserver.HttpServer;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.SigningMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Run in a child JVM by {@link TracingClassPathIT} and {@link LambdaDefaultHttpClientIT}: builds a client with nothing
 * but the signing mode and the settings named in the arguments ({@code tracing=false}, {@code xRayTracing=false},
 * {@code openTelemetryTracing=false}, {@code trustedCertificate=<PEM file>}), sends one call to a loopback HTTP server
 * and prints {@code ANSWERED <status>}. The parent reads which classes the JVM loaded and what the library logged.
 */
public final class ClientProbeMain {
    private ClientProbeMain() {}

    /**
     * Entry point.
     *
     * @param args the settings
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            LatticeClient.Builder builder = LatticeClient.builder().signingMode(SigningMode.NONE);
            for (String arg : args) {
                if (arg.startsWith("trustedCertificate=")) {
                    builder.trustedCertificates(java.nio.file.Path.of(arg.substring("trustedCertificate=".length())));
                    continue;
                }
                switch (arg) {
                    case "tracing=false" -> builder.tracing(false);
                    case "xRayTracing=false" -> builder.xRayTracing(false);
                    case "openTelemetryTracing=false" -> builder.openTelemetryTracing(false);
                    default -> throw new IllegalArgumentException(arg);
                }
            }
            try (LatticeClient client = builder.build()) {
                int status = client.send(LatticeRequest.builder()
                                .url("http://127.0.0.1:" + server.getAddress().getPort() + "/probe")
                                .build())
                        .statusCode();
                System.out.println("ANSWERED " + status);
            }
        } finally {
            server.stop(0);
        }
    }
}
