package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.vpclattice.events.LatticeCallerIdentity;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The {@code main} that {@link LocalLatticeExtensionClassPathIT} runs in a child JVM on a consumer's class path: it
 * says which of the left-out artifacts' classes it can see, then runs the three fixtures below through the extension
 * and prints one result line.
 */
public final class ConsumerClassPathProbe {
    /** One class of each artifact an in-JVM or HTTP target must not need. */
    static final List<String> ABSENT_CLASSES = List.of(
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "org.bouncycastle.jce.provider.BouncyCastleProvider");

    private ConsumerClassPathProbe() {}

    /**
     * Prints {@code RESULT visible=[...] | inJvm=... | http=... | function=...}.
     *
     * @param args none
     */
    public static void main(String[] args) {
        List<String> visible = new ArrayList<>();
        for (String name : ABSENT_CLASSES) {
            try {
                Class.forName(name, false, ConsumerClassPathProbe.class.getClassLoader());
                visible.add(name);
            } catch (ClassNotFoundException expected) {
                // Not on the class path, as it should be.
            }
        }
        System.out.println("RESULT visible=" + visible
                + " | inJvm=" + outcome(Fixture.Runner.run(InJvmTarget.class))
                + " | http=" + outcome(Fixture.Runner.run(HttpTarget.class))
                + " | function=" + outcome(Fixture.Runner.run(FunctionDirectory.class)));
    }

    /** The tests' count, or the first failure as its type and message. */
    private static String outcome(EngineExecutionResults results) {
        List<Throwable> failures = new ArrayList<>();
        results.allEvents().failed().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
                .forEach(failure -> failure.ifPresent(failures::add));
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            first.printStackTrace(System.out);
            return first.getClass().getSimpleName() + ": " + first.getMessage();
        }
        return results.testEvents().succeeded().count() + " passed";
    }

    @Fixture
    static class InJvmTarget {
        @RegisterExtension
        static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
                .target(event -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .body("in-JVM target called by "
                                + event.getRequestContext().getIdentity().getPrincipal())
                        .build())
                .build();

        @Test
        void signedCall_reachesTheTarget() {
            try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
                SignedCaller.Response response =
                        caller.post(lattice.endpoint(), "/orders", "{}", lattice.credentials());

                assertEquals(200, response.status(), response.body());
                assertEquals("in-JVM target called by " + lattice.allowedPrincipal(), response.body());
            }
        }
    }

    @Fixture
    static class HttpTarget {
        static final HttpServer SERVICE = service();

        @RegisterExtension
        static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
                .targetUrl(URI.create("http://127.0.0.1:" + SERVICE.getAddress().getPort()))
                .build();

        private static HttpServer service() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/", exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        byte[] body = ("HTTP target called by "
                                        + LatticeCallerIdentity.fromHeaders(exchange.getRequestHeaders()::getFirst)
                                                .principal()
                                                .orElse("anonymous"))
                                .getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                });
                server.start();
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @AfterAll
        static void stopService() {
            SERVICE.stop(0);
        }

        @Test
        void signedCall_reachesTheServer() {
            try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
                SignedCaller.Response response =
                        caller.post(lattice.endpoint(), "/orders", "{}", lattice.credentials());

                assertEquals(200, response.status(), response.body());
                assertEquals("HTTP target called by " + lattice.allowedPrincipal(), response.body());
            }
        }
    }

    @Fixture
    static class FunctionDirectory {
        @RegisterExtension
        static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
                .function(Path.of("target", "test-classes"), LocalLatticeExtensionFunctionIT.HANDLER)
                .build();

        @Test
        void neverRuns() {}
    }
}
