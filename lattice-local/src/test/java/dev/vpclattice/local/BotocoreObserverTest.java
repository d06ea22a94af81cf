package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * botocore, a SigV4 signer this project did not write, configured as the VPC Lattice User Guide's Python example,
 * observes the path forms, signed requests under auth type NONE and header stripping. The User Guide's example uses
 * {@code CrtSigV4Auth}, which needs awscrt; where awscrt is absent (as on this project's machines) {@code SigV4Auth}
 * signs the same form (normalized, encoded twice). {@code S3SigV4Auth} signs the single-encoded form of
 * {@code CrtS3SigV4Auth} and the Go example.
 */
@Timeout(120)
class BotocoreObserverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final VpcLatticeEventCodec CODEC = new VpcLatticeEventCodec();
    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final List<String> INVOKED = new CopyOnWriteArrayList<>();
    private static final String SDK_FORM_SIGNER = sdkFormSigner();

    @TempDir
    static Path dir;

    static Path script;
    static LocalLattice sdkForm;
    static LocalLattice singleForm;
    static LocalLattice authNone;
    static LocalLattice plainHttp;

    /** The User Guide's signer when awscrt is installed, else the pure-Python signer of the same form. */
    private static String sdkFormSigner() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import awscrt").start();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0 ? "CrtSigV4Auth" : "SigV4Auth";
        } catch (IOException e) {
            return "SigV4Auth";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "SigV4Auth";
        }
    }

    private static LocalLattice start(LocalLattice.Builder builder) {
        return builder.credential("AKIDALICE", "alice-secret", ALICE)
                .target(event -> {
                    INVOKED.add(event.getPath());
                    return LocalLatticeCurlTest.echo(event);
                })
                .build();
    }

    @BeforeAll
    static void start() throws IOException {
        script = dir.resolve("botocore_call.py");
        try (InputStream in = BotocoreObserverTest.class.getResourceAsStream("/botocore_call.py")) {
            Files.copy(in, script);
        }
        sdkForm = start(LocalLattice.builder());
        singleForm = start(LocalLattice.builder().canonicalPathForm(CanonicalPathForm.SINGLE_ENCODED));
        authNone = start(LocalLattice.builder().authType(AuthType.NONE));
        plainHttp = start(LocalLattice.builder().listener(ListenerProtocol.HTTP));
    }

    @AfterAll
    static void stop() {
        for (LocalLattice lattice : new LocalLattice[] {sdkForm, singleForm, authNone, plainHttp}) {
            if (lattice != null) {
                lattice.close();
            }
        }
    }

    /** A botocore-signed request and its answer. */
    private record Answer(int status, String body) {
        VpcLatticeV2Request event() {
            assertEquals(200, status, body);
            return CODEC.readRequest(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Answer call(LocalLattice lattice, String signer, String path, Map<String, Object> more)
            throws Exception {
        Path pem = dir.resolve("lattice-" + lattice.port() + ".pem");
        if (lattice.listener() == ListenerProtocol.HTTPS && !Files.exists(pem)) {
            lattice.certificate().writePem(pem);
        }
        Map<String, Object> args = new LinkedHashMap<>(Map.of(
                "signer",
                signer,
                "endpoint",
                lattice.endpoint().toString(),
                "path",
                path,
                "method",
                "GET",
                "accessKey",
                "AKIDALICE",
                "secret",
                "alice-secret",
                "region",
                "us-east-1",
                "cafile",
                pem.toString()));
        args.putAll(more);
        Process process = new ProcessBuilder("python3", script.toString(), JSON.writeValueAsString(args)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "botocore did not finish");
        assertEquals(
                0,
                process.exitValue(),
                "botocore failed (is botocore installed for python3? pip install" + " botocore): " + err);
        JsonNode answer = JSON.readTree(out);
        return new Answer(answer.path("status").asInt(), answer.path("body").asText());
    }

    @Test
    void userGuideSigner_percentEncodedPath_isAcceptedByTheDefaultServer() throws Exception {
        Answer answer = call(sdkForm, SDK_FORM_SIGNER, "/files/a%20b", Map.of());

        assertEquals("/files/a%20b", answer.event().getPath());
        assertEquals(ALICE, answer.event().getRequestContext().getIdentity().getPrincipal());
    }

    @Test
    void userGuideSignature_replayedToTheDoubleEncodedTwinPath_is403_andNeverReachesTheTarget() throws Exception {
        Answer replayed =
                call(sdkForm, SDK_FORM_SIGNER, "/files/replay%20me", Map.of("sendPath", "/files/replay%2520me"));

        assertEquals(403, replayed.status(), replayed.body());
        assertTrue(replayed.body().startsWith("InvalidSignatureException: "), replayed.body());
        assertFalse(INVOKED.contains("/files/replay%2520me"), INVOKED.toString());
    }

    @Test
    void singleEncodedSigner_is403OnTheDefaultServer_namingTheExpectedForm_andAcceptedByASingleFormServer()
            throws Exception {
        Answer refused = call(sdkForm, "S3SigV4Auth", "/files/go%20style", Map.of());
        Answer accepted = call(singleForm, "S3SigV4Auth", "/files/go%20style", Map.of());
        Answer sdkOnSingle = call(singleForm, SDK_FORM_SIGNER, "/files/sdk%20style", Map.of());

        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("verifies the path in the SDK's form"), refused.body());
        assertEquals("/files/go%20style", accepted.event().getPath());
        assertEquals(403, sdkOnSingle.status(), sdkOnSingle.body());
        assertTrue(sdkOnSingle.body().contains("verifies the path in the single-encoded form"), sdkOnSingle.body());
        assertEquals(
                1,
                INVOKED.stream()
                        .filter(path -> path.startsWith("/files/go%20style"))
                        .count(),
                INVOKED.toString());
        assertFalse(INVOKED.contains("/files/sdk%20style"), INVOKED.toString());
    }

    @Test
    void authTypeNone_signedWithAWrongSecret_is403_andNeverReachesTheTarget() throws Exception {
        Answer wrong = call(authNone, SDK_FORM_SIGNER, "/none/wrong-secret", Map.of("secret", "not-alice-secret"));

        assertEquals(403, wrong.status(), wrong.body());
        assertTrue(
                wrong.body().startsWith("InvalidSignatureException: The request signature we calculated"),
                wrong.body());
        assertFalse(INVOKED.contains("/none/wrong-secret"), INVOKED.toString());
    }

    @Test
    void authTypeNone_validSignature_reachesTheTargetWithThePrincipal() throws Exception {
        VpcLatticeV2Request event =
                call(authNone, SDK_FORM_SIGNER, "/none/signed", Map.of()).event();

        assertEquals("AWS_IAM", event.getRequestContext().getIdentity().getType());
        assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
    }

    @Test
    void signedLatticeIdentityHeader_isVerifiedThenStripped() throws Exception {
        VpcLatticeV2Request event = call(
                        sdkForm,
                        SDK_FORM_SIGNER,
                        "/spoof",
                        Map.of(
                                "headers",
                                Map.of("x-amzn-lattice-identity", "Principal=arn:aws:iam::123456789012:root")))
                .event();

        assertFalse(
                event.getHeaders().containsKey("x-amzn-lattice-identity"),
                event.getHeaders().toString());
        assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
    }

    @Test
    void signedPostWithJsonBody_isForwarded() throws Exception {
        VpcLatticeV2Request event = call(
                        sdkForm,
                        SDK_FORM_SIGNER,
                        "/orders",
                        Map.of(
                                "method",
                                "POST",
                                "body",
                                "{\"id\":7}",
                                "headers",
                                Map.of("content-type", "application/json")))
                .event();

        assertEquals("{\"id\":7}", event.getBody());
        assertEquals("POST", event.getMethod());
    }

    @Test
    void plainHttpListener_verifiesBotocoresSignatureAsHttpsDoes() throws Exception {
        Map<String, Object> post =
                Map.of("method", "POST", "body", "{\"id\":8}", "headers", Map.of("content-type", "application/json"));
        VpcLatticeV2Request event =
                call(plainHttp, SDK_FORM_SIGNER, "/plain/orders", post).event();
        Map<String, Object> wrongSecret = new LinkedHashMap<>(post);
        wrongSecret.put("secret", "not-alice-secret");
        Answer wrong = call(plainHttp, SDK_FORM_SIGNER, "/plain/wrong-secret", wrongSecret);

        assertEquals("{\"id\":8}", event.getBody());
        assertEquals(ALICE, event.getRequestContext().getIdentity().getPrincipal());
        assertEquals(403, wrong.status(), wrong.body());
        assertTrue(wrong.body().startsWith("InvalidSignatureException: "), wrong.body());
        assertFalse(INVOKED.contains("/plain/wrong-secret"), INVOKED.toString());
    }
}
