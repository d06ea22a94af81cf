package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local Lattice whose target group sends V1 events (Lattice's default {@code LambdaEventStructureVersion}), called
 * with curl: the event has the V1 shape (the query in {@code raw_path}, one string per header, the last value of a
 * repeated query key, no caller) and the target's answer is mapped back as for V2.
 */
@Timeout(120)
class EventVersionTest {
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final List<VpcLatticeV1Request> RECEIVED = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    static LocalLattice lattice;
    static LocalLattice open;
    static Path pem;

    @BeforeAll
    static void start() {
        LatticeTarget target = LatticeTarget.v1(event -> {
            RECEIVED.add(event);
            return VpcLatticeV2Response.builder()
                    .statusCode(201)
                    .header("content-type", "application/octet-stream")
                    .header("x-event-path", event.pathWithoutQuery())
                    .body(new byte[] {1, 2, 3})
                    .build();
        });
        lattice = LocalLattice.builder()
                .credential("AKIDALICE", "alice-secret", "arn:aws:iam::123456789012:user/alice")
                .eventVersion(EventVersion.V1)
                .target(target)
                .build();
        open = LocalLattice.builder()
                .authType(AuthType.NONE)
                .listener(ListenerProtocol.HTTP)
                .eventVersion(EventVersion.V1)
                .target(target)
                .build();
        pem = dir.resolve("lattice.pem");
        lattice.certificate().writePem(pem);
    }

    @AfterAll
    static void stop() {
        lattice.close();
        open.close();
    }

    private static Curl.Result call(String path, String... more) throws Exception {
        List<String> args = new ArrayList<>(Curl.sign(SCOPE, "AKIDALICE", "alice-secret"));
        args.addAll(List.of("-D", "-"));
        args.addAll(List.of(more));
        return Curl.run(pem, lattice.endpoint() + path, args.toArray(String[]::new));
    }

    @Test
    void v1Event_hasTheV1Shape_andTheAnswerIsMappedBack() throws Exception {
        // Unsigned, on a service with auth type NONE: curl 7.88 signs a repeated header line by line, not joined.
        Curl.Result result = Curl.run(
                null,
                open.endpoint() + "/orders?id=1&id=2&tag=x",
                "-D",
                "-",
                "-o",
                "/dev/null",
                "-H",
                "X-Multi: a",
                "-H",
                "X-Multi: b");

        assertEquals(201, result.status(), result.body());
        assertTrue(result.body().toLowerCase().contains("x-event-path: /orders"), result.body());
        VpcLatticeV1Request event = RECEIVED.get(RECEIVED.size() - 1);
        assertEquals("/orders?id=1&id=2&tag=x", event.getRaw_path());
        assertEquals("GET", event.getMethod());
        assertEquals(Map.of("id", "2", "tag", "x"), event.getQuery_string_parameters());
        assertEquals("a, b", event.getHeaders().get("x-multi"));
        assertEquals("127.0.0.1", event.getHeaders().get("x-forwarded-for"));
        assertFalse(event.getIs_base64_encoded());
        assertEquals("", event.getBody());
    }

    @Test
    void v1Event_binaryBody_isBase64() throws Exception {
        Curl.Result result = call(
                "/upload",
                "-H",
                "Content-Type: application/octet-stream",
                "-H",
                "Content-Encoding: gzip",
                "--data-binary",
                "not really gzip");

        assertEquals(201, result.status(), result.body());
        VpcLatticeV1Request event = RECEIVED.get(RECEIVED.size() - 1);
        assertTrue(event.getIs_base64_encoded());
        assertEquals(Base64.getEncoder().encodeToString("not really gzip".getBytes()), event.getBody());
        assertEquals("POST", event.getMethod());
    }

    @Test
    void builder_refusesATargetThatDoesNotTakeTheVersion() {
        IllegalStateException v2Only = assertThrows(
                IllegalStateException.class,
                () -> LocalLattice.builder()
                        .eventVersion(EventVersion.V1)
                        .target(event ->
                                VpcLatticeV2Response.builder().statusCode(200).build())
                        .build());
        IllegalStateException v1Only = assertThrows(
                IllegalStateException.class,
                () -> LocalLattice.builder()
                        .target(LatticeTarget.v1(event ->
                                VpcLatticeV2Response.builder().statusCode(200).build()))
                        .build());

        assertTrue(v2Only.getMessage().contains("does not take V1 events"), v2Only.getMessage());
        assertTrue(v2Only.getMessage().contains("LambdaEventStructureVersion"), v2Only.getMessage());
        assertTrue(v1Only.getMessage().contains("does not take V2 events"), v1Only.getMessage());
    }
}
