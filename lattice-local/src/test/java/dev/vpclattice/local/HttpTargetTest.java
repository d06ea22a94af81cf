package dev.vpclattice.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.events.LatticeCallerIdentity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * A local Lattice in front of an HTTP target, the JDK's own HTTP server, called by signers we did not write (curl,
 * botocore, the AWS SDK's {@code AwsV4HttpSigner}): the target receives exactly the client's end-to-end headers and
 * the ones Lattice adds, with an identity that is the verified signer's and never a forged one.
 */
@Timeout(120)
class HttpTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCOPE = "aws:amz:us-east-1:vpc-lattice-svcs";
    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final String TASK = "arn:aws:sts::123456789012:assumed-role/checkout/task-1";
    private static final String BOB = "arn:aws:iam::123456789012:user/bob";
    private static final String ORG_PATH = "o-abc123/r-ab12/ou-ab12-11111111/";
    private static final String SOURCE_VPC = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0";
    private static final String ARNS = "arn:aws:vpc-lattice:us-east-1:123456789012:";
    private static final String TARGET_HEADER = "ServiceArn=" + ARNS + "service/svc-0123456789abcdef0;"
            + "ServiceNetworkArn=" + ARNS + "servicenetwork/sn-0123456789abcdef0;"
            + "TargetGroupArn=" + ARNS + "targetgroup/tg-0123456789abcdef0;";
    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    static RecordingTarget target;
    static LocalLattice lattice;
    static LocalLattice open;
    static Path pem;
    static SdkCaller sdk;

    @BeforeAll
    static void start() {
        target = new RecordingTarget();
        lattice = LocalLattice.builder()
                .credential("AKIDALICE", "alice-secret", ALICE)
                .credential("AKIDBOB", "bob-secret", BOB)
                .sessionCredential("ASIATASK", "task-secret", "task-token", TASK)
                .allow(ALICE)
                .allow(TASK)
                .principalOrgId("o-abc123")
                .principalOrgPath(ORG_PATH)
                .principalTags(ALICE, Map.of("team", "pay;ments"))
                .x509Fields(TASK, Map.of(LatticeHeaders.KEY_X509_SUBJECT_CN, "task.example.com"))
                .accessLog(ACCESS_LOG::add)
                .targetUrl(target.url())
                .build();
        open = LocalLattice.builder()
                .authType(AuthType.NONE)
                .listener(ListenerProtocol.HTTP)
                .credential("AKIDALICE", "alice-secret", ALICE)
                .targetUrl(target.url())
                .build();
        pem = dir.resolve("lattice.pem");
        lattice.certificate().writePem(pem);
        sdk = new SdkCaller(lattice);
    }

    @AfterAll
    static void stop() {
        sdk.close();
        lattice.close();
        open.close();
        target.close();
    }

    /** A curl answer split into its status, lower-cased response headers and body. */
    private record Answer(int status, Map<String, String> headers, String body) {}

    private static Answer curl(LocalLattice to, String path, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("-D", "-"));
        all.addAll(List.of(args));
        Curl.Result result = Curl.run(
                to.listener() == ListenerProtocol.HTTPS ? pem : null, to.endpoint() + path, all.toArray(String[]::new));
        int split = result.body().indexOf("\r\n\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : result.body().substring(0, split).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return new Answer(result.status(), headers, result.body().substring(split + 4));
    }

    private static String[] signedAs(String accessKey, String secret, String... more) {
        List<String> args = new java.util.ArrayList<>(Curl.sign(SCOPE, accessKey, secret));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void curlSignedGet_targetReceivesTheClientsHeadersAndLatticesOwn_neverTheForgedOnes() throws Exception {
        Answer answer = curl(
                lattice,
                "/orders/7",
                signedAs(
                        "AKIDALICE",
                        "alice-secret",
                        "-H",
                        "x-amzn-lattice-identity: Principal=arn:aws:iam::999999999999:root",
                        "-H",
                        "X-Amzn-Lattice-Target: ServiceArn=forged",
                        "-H",
                        "x-amzn-lattice-anything: forged",
                        "-H",
                        "x-forwarded-port: 1",
                        "-H",
                        "x-forwarded-proto: gopher",
                        "-H",
                        "X-Custom: kept as sent"));

        assertEquals(200, answer.status(), answer.body());
        assertEquals("target saw GET /orders/7", answer.body());
        RecordingTarget.Received got = target.last();
        assertEquals(
                new TreeSet<>(Set.of(
                        "host",
                        "user-agent",
                        "accept",
                        "authorization",
                        "x-amz-date",
                        "x-amz-content-sha256",
                        "x-custom",
                        "x-forwarded-for",
                        "x-forwarded-port",
                        "x-forwarded-proto",
                        "x-amzn-lattice-identity",
                        "x-amzn-lattice-identity-tags",
                        "x-amzn-lattice-network",
                        "x-amzn-lattice-target",
                        "x-amzn-requestid")),
                new TreeSet<>(got.headers().keySet()));
        assertEquals("127.0.0.1:" + lattice.port(), got.header("host"));
        assertEquals("kept as sent", got.header("x-custom"));
        assertEquals("127.0.0.1", got.header("x-forwarded-for"));
        assertEquals(Integer.toString(lattice.port()), got.header("x-forwarded-port"));
        assertEquals("https", got.header("x-forwarded-proto"));
        assertEquals(
                "Principal=" + ALICE + ";PrincipalOrgID=o-abc123;PrincipalOrgPath=" + ORG_PATH + ";",
                got.header("x-amzn-lattice-identity"));
        assertEquals(
                "principal=" + ALICE + ";principalorgid=o-abc123;principalorgpath=" + ORG_PATH + ";team=pay\\;ments;",
                got.header("x-amzn-lattice-identity-tags"));
        assertEquals("SourceVpcArn=" + SOURCE_VPC + ";", got.header("x-amzn-lattice-network"));
        assertEquals(TARGET_HEADER, got.header("x-amzn-lattice-target"));
        assertTrue(UUID.matcher(got.header("x-amzn-requestid")).matches(), got.header("x-amzn-requestid"));
        assertEquals(got.header("x-amzn-requestid"), answer.headers().get("x-amzn-requestid"));
        assertEquals("yes", answer.headers().get("x-target"));
        LatticeCallerIdentity identity = LatticeCallerIdentity.fromHeaders(got::header);
        assertEquals(ALICE, identity.principal().orElseThrow());
        assertEquals("pay;ments", identity.tags().get("team"));
    }

    @Test
    void signatureOverXForwardedFor_isRefusedNamingTheHeader() throws Exception {
        int before = target.received.size();

        Answer answer = curl(lattice, "/xff", signedAs("AKIDALICE", "alice-secret", "-H", "x-forwarded-for: 10.1.2.3"));

        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("covers the 'x-forwarded-for' header"), answer.body());
        assertEquals(before, target.received.size());
    }

    @Test
    void sdkSignedPost_withApacheStyleCharset_isVerified_andTheTargetReceivesBodyAndTypeAsSent() throws Exception {
        byte[] body = "{\"item\":\"book\"}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkCaller.request(lattice.endpoint(), SdkHttpMethod.POST, "/orders")
                .putRawQueryParameter("b", "2")
                .putRawQueryParameter("a", "x y")
                .putHeader("Content-Type", "application/json; charset=UTF-8")
                .build();
        AwsCredentialsIdentity task = AwsSessionCredentialsIdentity.create("ASIATASK", "task-secret", "task-token");

        SdkCaller.Response response =
                sdk.send(sdk.sign(request, body, task, r -> r).request(), body);

        assertEquals(200, response.status(), response.text());
        RecordingTarget.Received got = target.last();
        assertEquals("POST", got.method());
        assertEquals("/orders", got.rawPath());
        assertEquals("b=2&a=x%20y", got.rawQuery(), "forwarded in the order sent");
        assertArrayEquals(body, got.body());
        assertEquals("application/json; charset=UTF-8", got.header("content-type"));
        assertEquals(Integer.toString(body.length), got.header("content-length"));
        assertEquals("task-token", got.header("x-amz-security-token"));
        assertEquals(
                "Principal=" + TASK + ";PrincipalOrgID=o-abc123;PrincipalOrgPath=" + ORG_PATH
                        + ";SessionName=task-1;X509Subject/CN=task.example.com;",
                got.header("x-amzn-lattice-identity"));
        assertNull(got.header("x-amzn-lattice-identity-tags"), "a principal without tags gets no tags header");
        assertEquals(
                got.header("x-amzn-requestid"),
                response.headers().get("x-amzn-requestid").get(0));
    }

    @Test
    void botocoreSignedPost_reachesTheTargetAsTheSigner() throws Exception {
        Path script = dir.resolve("botocore_call.py");
        if (!Files.exists(script)) {
            try (InputStream in = HttpTargetTest.class.getResourceAsStream("/botocore_call.py")) {
                Files.copy(in, script);
            }
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("signer", "SigV4Auth");
        args.put("endpoint", lattice.endpoint().toString());
        args.put("path", "/botocore/orders");
        args.put("method", "POST");
        args.put("accessKey", "AKIDALICE");
        args.put("secret", "alice-secret");
        args.put("region", "us-east-1");
        args.put("cafile", pem.toString());
        args.put("body", "{\"id\":9}");
        args.put("headers", Map.of("content-type", "application/json", "x-amzn-lattice-identity", "Principal=forged"));
        Process process = new ProcessBuilder("python3", script.toString(), JSON.writeValueAsString(args)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "botocore did not finish");
        assertEquals(0, process.exitValue(), "botocore failed (pip install botocore): " + err);
        JsonNode answer = JSON.readTree(out);

        assertEquals(200, answer.path("status").asInt(), answer.path("body").asText());
        RecordingTarget.Received got = target.last();
        assertEquals("/botocore/orders", got.rawPath());
        assertEquals("{\"id\":9}", new String(got.body(), StandardCharsets.UTF_8));
        assertEquals(
                ALICE,
                LatticeCallerIdentity.fromHeaders(got::header).principal().orElseThrow());
    }

    @Test
    void deniedPrincipal_is403_andNeverReachesTheTarget() throws Exception {
        int before = target.received.size();

        Answer answer = curl(lattice, "/denied", signedAs("AKIDBOB", "bob-secret"));

        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().startsWith("AccessDeniedException: User: " + BOB), answer.body());
        assertTrue(
                UUID.matcher(answer.headers().get("x-amzn-requestid")).matches(),
                answer.headers().toString());
        assertEquals(before, target.received.size());
    }

    @Test
    void unsignedUnderAuthNone_overPlainHttp_getsNoIdentity_butTheNetworkTargetAndForwardedHeaders() throws Exception {
        Answer answer = curl(open, "/open?x=1", "-H", "x-forwarded-for: 10.1.2.3");

        assertEquals(200, answer.status(), answer.body());
        RecordingTarget.Received got = target.last();
        assertNull(got.header("x-amzn-lattice-identity"));
        assertNull(got.header("x-amzn-lattice-identity-tags"));
        assertEquals("SourceVpcArn=" + SOURCE_VPC + ";", got.header("x-amzn-lattice-network"));
        assertEquals(TARGET_HEADER, got.header("x-amzn-lattice-target"));
        assertEquals("http", got.header("x-forwarded-proto"));
        assertEquals(Integer.toString(open.port()), got.header("x-forwarded-port"));
        assertEquals("10.1.2.3, 127.0.0.1", got.header("x-forwarded-for"));
        assertEquals("x=1", got.rawQuery());
    }

    @Test
    void hopByHopRequestHeaders_andTheOnesConnectionNames_neverReachTheTarget() throws Exception {
        Answer answer = curl(
                open,
                "/hop",
                "-H",
                "Connection: keep-alive, X-Drop-Me",
                "-H",
                "X-Drop-Me: secret",
                "-H",
                "Keep-Alive: timeout=5",
                "-H",
                "TE: trailers",
                "-H",
                "Proxy-Authorization: Basic c2VjcmV0",
                "-H",
                "X-Stay: here");

        assertEquals(200, answer.status(), answer.body());
        Map<String, List<String>> headers = target.last().headers();
        for (String dropped : List.of("connection", "x-drop-me", "keep-alive", "te", "proxy-authorization")) {
            assertNull(headers.get(dropped), dropped + " in " + headers.keySet());
        }
        assertEquals(List.of("here"), headers.get("x-stay"));
    }

    @Test
    void clientRequestId_isPassedToTheTargetAndReturned_cutTo512Bytes() throws Exception {
        String longId = "t".repeat(600);

        Answer own = curl(open, "/traced", "-H", "x-amzn-requestid: my-trace-1");
        String ownAtTarget = target.last().header("x-amzn-requestid");
        Answer cut = curl(open, "/traced", "-H", "x-amzn-requestid: " + longId);
        String cutAtTarget = target.last().header("x-amzn-requestid");

        assertEquals("my-trace-1", ownAtTarget);
        assertEquals("my-trace-1", own.headers().get("x-amzn-requestid"));
        assertEquals("t".repeat(512), cutAtTarget);
        assertEquals("t".repeat(512), cut.headers().get("x-amzn-requestid"));
    }

    @Test
    void pathAndQuery_reachTheTargetAsVerified() throws Exception {
        SdkHttpRequest request = SdkCaller.request(lattice.endpoint(), SdkHttpMethod.GET, "/files/a%2Fb/./c%20d")
                .putRawQueryParameter("x", "a&b")
                .putRawQueryParameter("y", "+")
                .putRawQueryParameter("z", "")
                .build();

        SdkCaller.Response response = sdk.send(
                sdk.sign(request, null, AwsCredentialsIdentity.create("AKIDALICE", "alice-secret"), r -> r)
                        .request(),
                null);

        assertEquals(200, response.status(), response.text());
        assertEquals("/files/a%2Fb/c%20d", target.last().rawPath(), "normalized, as the signature was verified");
        assertEquals("x=a%26b&y=%2B&z=", target.last().rawQuery());
    }

    @Test
    void noContentStatus_passesThrough() throws Exception {
        Answer answer = curl(lattice, "/status/204", signedAs("AKIDALICE", "alice-secret"));

        assertEquals(204, answer.status(), answer.body());
        assertEquals("", answer.body());
    }

    @Test
    void bodiesOverSixMegabytes_streamBothWays() throws Exception {
        int size = 16 * 1024 * 1024;
        byte[] body = RecordingTarget.Bytes.stream(size).readAllBytes();
        SdkHttpRequest request = SdkCaller.request(lattice.endpoint(), SdkHttpMethod.PUT, "/stream/" + size)
                .putHeader("Content-Type", "application/octet-stream")
                .build();

        SdkCaller.Response response = sdk.send(
                sdk.sign(request, body, AwsCredentialsIdentity.create("AKIDALICE", "alice-secret"), r -> r)
                        .request(),
                body);

        assertEquals(200, response.status());
        String digest = RecordingTarget.Bytes.digestOf(size);
        assertEquals(digest, response.headers().get("x-received-sha256").get(0));
        assertEquals(size, response.body().length);
        assertEquals(digest, RecordingTarget.sha256(new java.io.ByteArrayInputStream(response.body())));
    }

    @Test
    void accessLog_namesStatusAndPrincipal_neverTheQuery() throws Exception {
        curl(lattice, "/logged?token=secret-value", signedAs("AKIDALICE", "alice-secret"));

        // The line is written once the answer is delivered, so it may come just after curl has it.
        String line = null;
        for (int i = 0; i < 200 && line == null; i++) {
            line = ACCESS_LOG.stream()
                    .filter(l -> l.startsWith("GET /logged "))
                    .findFirst()
                    .orElse(null);
            if (line == null) {
                Thread.sleep(50);
            }
        }
        assertTrue(line != null, ACCESS_LOG.toString());
        assertTrue(line.contains(" 200 " + ALICE + " "), line);
        assertTrue(ACCESS_LOG.stream().noneMatch(l -> l.contains("secret-value")), ACCESS_LOG.toString());
    }

    @Test
    void builder_refusesWhatAnHttpTargetCannotBe() {
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalLattice.builder().targetUrl(java.net.URI.create("https://127.0.0.1:8443")));
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalLattice.builder().targetUrl(java.net.URI.create("http://127.0.0.1:8080/api")));
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalLattice.builder().targetUrl(java.net.URI.create("http://user:pw@127.0.0.1:8080")));
        IllegalStateException both = assertThrows(
                IllegalStateException.class,
                () -> LocalLattice.builder()
                        .targetUrl(target.url())
                        .target(event -> null)
                        .build());
        IllegalStateException versioned = assertThrows(
                IllegalStateException.class,
                () -> LocalLattice.builder()
                        .targetUrl(target.url())
                        .eventVersion(EventVersion.V1)
                        .build());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        assertTrue(versioned.getMessage().contains("receives the request itself"), versioned.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalLattice.builder().principalTags(ALICE, Map.of("principal", "x")));
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalLattice.builder().x509Fields(ALICE, Map.of("X509Subject/OU", "x")));
    }
}
