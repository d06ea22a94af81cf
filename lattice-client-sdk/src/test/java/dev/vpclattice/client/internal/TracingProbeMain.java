package dev.vpclattice.client.internal;

import com.sun.net.httpserver.HttpServer;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.client.SigningMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Run in a child JVM by {@link TracingClassPathIT}: builds a client with the tracing switches named in the arguments
 * ({@code tracing=false}, {@code xRayTracing=false}, {@code openTelemetryTracing=false}), sends one call to a loopback
 * HTTP server and prints {@code ANSWERED <status>}. The parent reads which classes the JVM loaded.
 */
public final class TracingProbeMain {
    private TracingProbeMain() {}

    /**
     * Entry point.
     *
     * @param args the switches to turn off
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
