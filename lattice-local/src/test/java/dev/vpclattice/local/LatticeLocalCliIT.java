package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV2Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code target/lattice-local.jar} as a user does: {@code --help}, {@code invoke}, {@code serve}. */
@Timeout(180)
class LatticeLocalCliIT {
    private static final Path JAR = Path.of("target", "lattice-local.jar").toAbsolutePath();
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final String ALLOWED = "arn:aws:iam::123456789012:user/allowed";
    private static final String DENIED = "arn:aws:iam::123456789012:user/denied";

    @TempDir
    static Path dir;

    static Path function;
    static Process serve;
    static String endpoint;
    static volatile long runtimePid;
    static Path pem;
    static Path trustStore;
    static final StringBuffer SERVE_ERR = new StringBuffer();

    /** The outcome of a finished command. */
    record Run(int exit, String out, String err) {}

    static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("lattice-local did not finish: " + command);
        }
        return new Run(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @BeforeAll
    static void startServe() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "package the module first: " + JAR);
        function = FunctionDirectory.create(dir.resolve("function"));
        pem = dir.resolve("serve.pem");
        trustStore = dir.resolve("serve-truststore.p12");
        ProcessBuilder builder = new ProcessBuilder(
                JAVA,
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                "0",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--env",
                "GREETING=from-serve",
                "--credential",
                "AKIDALLOWED:allowed-secret:" + ALLOWED,
                "--credential",
                "AKIDDENIED:denied-secret:" + DENIED,
                "--allow",
                ALLOWED,
                "--allow",
                "arn:aws:iam::123456789012:user/local-user",
                "--host-name",
                "svc.lattice.test",
                "--cert-out",
                pem.toString(),
                "--truststore-out",
                trustStore.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "env-secret-key");
        serve = builder.start();
        daemon(() -> {
            try (BufferedReader err =
                    new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8))) {
                err.lines().forEach(line -> SERVE_ERR.append(line).append('\n'));
            } catch (IOException e) {
                // the process ended
            }
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line = firstLine.get(60, TimeUnit.SECONDS);
        assertNotNull(line, "serve printed nothing; stderr: " + SERVE_ERR);
        Matcher url = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)").matcher(line);
        assertTrue(url.find(), line);
        endpoint = url.group();
        daemon(() -> out.lines().forEach(l -> {}));
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            serve.destroy();
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        long pid = runtimePid;
        if (pid > 0) {
            // SIGTERM to serve must not leave the function's runtime JVM behind.
            for (int i = 0;
                    i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    i++) {
                Thread.sleep(100);
            }
            assertFalse(
                    ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the function runtime " + pid + " outlived serve");
        }
    }

    @Test
    void serve_keepsOneWarmRuntime() throws Exception {
        long first = pidOf(call("/pid-1", "AKIDALLOWED", "allowed-secret", "-D", "-"));
        long second = pidOf(call("/pid-2", "AKIDALLOWED", "allowed-secret", "-D", "-"));

        assertEquals(first, second);
        assertTrue(ProcessHandle.of(first).isPresent(), "the runtime is a live child process");
        runtimePid = first;
    }

    private static long pidOf(Curl.Result result) {
        assertEquals(200, result.status(), result.body());
        Matcher pid = Pattern.compile("(?im)^x-pid:\\s*(\\d+)").matcher(result.body());
        assertTrue(pid.find(), result.body());
        return Long.parseLong(pid.group(1));
    }

    private static Curl.Result call(String path, String akid, String secret, String... more) throws Exception {
        List<String> args = new ArrayList<>();
        if (akid != null) {
            args.addAll(Curl.sign(SCOPE, akid, secret));
        }
        args.addAll(List.of(more));
        return Curl.run(pem, endpoint + path, args.toArray(String[]::new));
    }

    @Test
    void help_listsEveryFlag() throws Exception {
        Run help = run(Map.of(), "--help");

        assertEquals(0, help.exit());
        for (String flag : List.of(
                "serve",
                "invoke",
                "--port",
                "--auth-type",
                "--function-dir",
                "--handler",
                "--cert-out",
                "--credential",
                "--allow",
                "--event",
                "--env",
                "--host-name")) {
            assertTrue(help.out().contains(flag), flag + " in " + help.out());
        }
    }

    @Test
    void badUsage_exits2_withAMessage() throws Exception {
        Run missing = run(Map.of(), "invoke", "--handler", "x.Y");
        Run unknown = run(Map.of(), "serve", "--colour", "red");

        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--function-dir"), missing.err());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--colour"), unknown.err());
    }

    @Test
    void invoke_printsTheResponseJson_andTheLogsOnStderr() throws Exception {
        Path event = Files.writeString(dir.resolve("event.json"), "{\"version\":\"2.0\",\"path\":\"/hello\"}");

        Run result = run(
                Map.of(),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                event.toString(),
                "--env",
                "GREETING=from-invoke");

        assertEquals(0, result.exit(), result.err());
        JsonNode response = JSON.readTree(result.out());
        assertEquals(200, response.path("statusCode").asInt());
        assertEquals("from-invoke", response.path("headers").path("x-greeting").asText());
        assertEquals(
                "{\"version\":\"2.0\",\"path\":\"/hello\"}",
                new String(Base64.getDecoder().decode(response.path("body").asText()), StandardCharsets.UTF_8));
        assertTrue(result.err().contains("RoutingHandler got"), result.err());
        assertFalse(result.out().contains("RoutingHandler got"), result.out());
    }

    @Test
    void version_printsTheProjectVersion() throws Exception {
        Run version = run(Map.of(), "--version");

        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().matches("lattice-local \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), version.out());
    }

    @Test
    void invoke_eventThatIsNotJson_isRefusedNamingTheFileAndTheError_beforeTheFunctionStarts() throws Exception {
        Path event = Files.writeString(dir.resolve("not-json.json"), "{\"a\": 1,,}");

        Run result = run(
                Map.of(),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                event.toString());

        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("the event in " + event + " is not JSON (line 1, column "), result.err());
        assertTrue(result.err().contains("Unexpected character (','"), result.err());
        assertFalse(result.err().contains("RoutingHandler got"), "the function ran: " + result.err());
        assertEquals("", result.out());
    }

    @Test
    void invoke_missingEventFile_saysWhy() throws Exception {
        Path missing = dir.resolve("no-such-event.json");

        Run result = run(
                Map.of(),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                missing.toString());

        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().contains("--event " + missing + ": no such file"), result.err());
    }

    @Test
    void invoke_envNameAlone_passesOnTheCallersValue_andAnUnsetOneIsRefused() throws Exception {
        Path event = Files.writeString(dir.resolve("pass-env.json"), "{\"version\":\"2.0\",\"path\":\"/hello\"}");

        Run passed = run(
                Map.of("GREETING", "from-the-environment"),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                event.toString(),
                "--env",
                "GREETING");
        Run unset = run(
                Map.of(),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                event.toString(),
                "--env",
                "NOT_SET_ANYWHERE");

        assertEquals(0, passed.exit(), passed.err());
        assertEquals(
                "from-the-environment",
                JSON.readTree(passed.out()).path("headers").path("x-greeting").asText());
        assertEquals(2, unset.exit(), unset.err());
        assertTrue(unset.err().contains("NOT_SET_ANYWHERE") && unset.err().contains("not set"), unset.err());
    }

    @Test
    void invoke_functionError_exitsNonZero_withTheErrorJson() throws Exception {
        Path event = Files.writeString(dir.resolve("throw.json"), "{\"version\":\"2.0\",\"path\":\"/throw\"}");

        Run result = run(
                Map.of(),
                "invoke",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--event",
                event.toString());

        assertEquals(1, result.exit(), result.err());
        JsonNode error = JSON.readTree(result.out());
        assertEquals("java.lang.IllegalStateException", error.path("errorType").asText());
        assertEquals("the function broke on purpose", error.path("errorMessage").asText());
    }

    @Test
    void serve_allowedPrincipal_reachesTheFunction() throws Exception {
        Curl.Result result = call("/orders?id=1", "AKIDALLOWED", "allowed-secret");

        assertEquals(200, result.status(), result.body() + SERVE_ERR);
        VpcLatticeV2Request event =
                new VpcLatticeEventCodec().readRequest(result.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(ALLOWED, event.getRequestContext().getIdentity().getPrincipal());
        assertEquals("/orders?id=1", event.getPath());
    }

    @Test
    void serve_deniedPrincipal_unsigned_and_wrongSecret_get403() throws Exception {
        Curl.Result denied = call("/orders", "AKIDDENIED", "denied-secret");
        Curl.Result unsigned = call("/orders", null, null);
        Curl.Result wrong = call("/orders", "AKIDALLOWED", "wrong-secret");

        assertEquals(403, denied.status());
        assertTrue(denied.body().startsWith("AccessDeniedException: User: " + DENIED), denied.body());
        assertEquals(403, unsigned.status());
        assertTrue(unsigned.body().startsWith("AccessDeniedException: User: anonymous"), unsigned.body());
        assertEquals(403, wrong.status());
        assertTrue(wrong.body().startsWith("InvalidSignatureException"), wrong.body());
    }

    @Test
    void serve_hostNameFlag_servesThatName_andOtherHostsGet404() throws Exception {
        int port = URI.create(endpoint).getPort();
        List<String> signed = new ArrayList<>(Curl.sign(SCOPE, "AKIDALLOWED", "allowed-secret"));
        List<String> named = new ArrayList<>(signed);
        named.addAll(List.of("--resolve", "svc.lattice.test:" + port + ":127.0.0.1"));
        List<String> other = new ArrayList<>(signed);
        other.addAll(List.of("-k", "--resolve", "other.lattice.test:" + port + ":127.0.0.1"));

        Curl.Result served = Curl.run(pem, "https://svc.lattice.test:" + port + "/named", named.toArray(String[]::new));
        Curl.Result notServed =
                Curl.run(pem, "https://other.lattice.test:" + port + "/named", other.toArray(String[]::new));

        assertEquals(200, served.status(), served.body());
        assertEquals(404, notServed.status(), notServed.body());
        assertTrue(notServed.body().startsWith("NotFoundException"), notServed.body());
    }

    @Test
    void serve_trustsTheCredentialsInItsEnvironment() throws Exception {
        Curl.Result result = call("/env", "AKIDFROMENV", "env-secret-key");

        assertEquals(200, result.status(), result.body());
    }

    @Test
    void serve_functionErrorAndAccessLog_goToStderr_withoutSecrets() throws Exception {
        Curl.Result failed = call("/throw", "AKIDALLOWED", "allowed-secret");

        assertEquals(502, failed.status());
        String log = waitForLog("GET /throw 502");
        assertFalse(
                log.contains("allowed-secret") || log.contains("env-secret-key") || log.contains("Signature="), log);
    }

    @Test
    void serve_trustStoreOut_letsAJavaClientTrustTheServer() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(trustStore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);

        HttpClient client = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(endpoint + "/tls"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(403, response.statusCode(), "TLS was trusted; the unsigned request was then denied");
    }

    @Test
    void serve_httpListener_verifiesSigV4OverPlainHttp_andRefusesACertificateFile() throws Exception {
        Run certificate = run(
                Map.of(),
                "serve",
                "--listener",
                "http",
                "--cert-out",
                dir.resolve("none.pem").toString(),
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER);
        assertEquals(2, certificate.exit(), certificate.err());
        assertTrue(certificate.err().contains("--cert-out needs an HTTPS listener"), certificate.err());

        ProcessBuilder builder = new ProcessBuilder(
                JAVA,
                "-jar",
                JAR.toString(),
                "serve",
                "--listener",
                "http",
                "--function-dir",
                function.toString(),
                "--handler",
                FunctionDirectory.HANDLER,
                "--credential",
                "AKIDALLOWED:allowed-secret:" + ALLOWED);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process plain = builder.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            return null;
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
            assertNotNull(line, "serve --listener http printed nothing");
            Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(line);
            assertTrue(url.find(), line);

            Curl.Result signed = Curl.run(
                    null,
                    url.group() + "/plain?id=1",
                    Curl.sign(SCOPE, "AKIDALLOWED", "allowed-secret").toArray(String[]::new));
            Curl.Result wrong = Curl.run(
                    null,
                    url.group() + "/plain",
                    Curl.sign(SCOPE, "AKIDALLOWED", "wrong-secret").toArray(String[]::new));

            assertEquals(200, signed.status(), signed.body());
            assertEquals(
                    ALLOWED,
                    new VpcLatticeEventCodec()
                            .readRequest(signed.body().getBytes(StandardCharsets.UTF_8))
                            .getRequestContext()
                            .getIdentity()
                            .getPrincipal());
            assertEquals(403, wrong.status(), wrong.body());
        } finally {
            plain.destroy();
            if (!plain.waitFor(30, TimeUnit.SECONDS)) {
                plain.destroyForcibly();
            }
        }
    }

    private static String waitForLog(String needle) throws InterruptedException {
        for (int i = 0; i < 100 && !SERVE_ERR.toString().contains(needle); i++) {
            Thread.sleep(100);
        }
        String log = SERVE_ERR.toString();
        assertTrue(log.contains(needle), log);
        return log;
    }
}
