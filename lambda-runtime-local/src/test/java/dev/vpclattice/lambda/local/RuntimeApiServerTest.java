package dev.vpclattice.lambda.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plays the runtime's side of the Runtime API over real HTTP on loopback. */
@Timeout(30)
class RuntimeApiServerTest {
    private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:f";
    private final RuntimeApiServer server = RuntimeApiServer.start(ARN);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + server.address() + "/2018-06-01/runtime/" + path);
    }

    @Test
    void next_carriesEveryHeaderTheJavaRuntimeReads() throws Exception {
        long before = System.currentTimeMillis();
        RuntimeApiServer.Submission s =
                server.submit("{\"a\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(7));

        HttpResponse<String> next = get("invocation/next");

        assertEquals(200, next.statusCode());
        assertEquals("{\"a\":1}", next.body());
        var h = next.headers();
        assertEquals(
                s.requestId(), h.firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow());
        assertEquals(ARN, h.firstValue("Lambda-Runtime-Invoked-Function-Arn").orElseThrow());
        assertEquals("application/json", h.firstValue("Content-Type").orElseThrow());
        assertTrue(h.firstValue("Lambda-Runtime-Trace-Id").orElseThrow().startsWith("Root=1-"));
        for (String name : List.of("Lambda-Runtime-Client-Context", "Lambda-Runtime-Cognito-Identity")) {
            assertTrue(h.firstValue(name).isPresent(), name + " must be present or the native client crashes");
        }
        long deadline =
                Long.parseLong(h.firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow());
        assertTrue(deadline >= before + 7000 && deadline <= System.currentTimeMillis() + 7000, "deadline " + deadline);
        // Delivery is recorded just after the body is written, so the client may see the body first.
        assertTrue(s.delivered().get(5, java.util.concurrent.TimeUnit.SECONDS).toEpochMilli() >= before);
    }

    @Test
    void response_completesTheInvocation() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        get("invocation/next");

        assertEquals(
                202,
                post("invocation/" + s.requestId() + "/response", "\"done\"").statusCode());

        LambdaInvocation r = s.result().get(5, TimeUnit.SECONDS);
        assertEquals(LambdaInvocation.Status.SUCCESS, r.status());
        assertEquals("\"done\"", r.payloadAsString());
        assertEquals(s.requestId(), r.requestId());
    }

    @Test
    void error_isAFunctionErrorWithTheRuntimesPayload() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        get("invocation/next");
        String error = "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.RuntimeException\"}";

        assertEquals(202, post("invocation/" + s.requestId() + "/error", error).statusCode());

        LambdaInvocation r = s.result().get(5, TimeUnit.SECONDS);
        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertEquals(error, r.payloadAsString());
    }

    @Test
    void responseForAnUnknownRequestId_is400AndChangesNothing() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        get("invocation/next");

        HttpResponse<String> r = post("invocation/not-a-request/response", "{}");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("InvalidRequestID"));
        assertFalse(s.result().isDone());
    }

    @Test
    void initError_failsQueuedAndLaterInvocationsWithItsPayload() throws Exception {
        RuntimeApiServer.Submission queued = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        String error = "{\"errorMessage\":\"Class not found: Foo\",\"errorType\":\"java.lang.ClassNotFoundException\"}";

        assertEquals(202, post("init/error", error).statusCode());

        assertEquals(error, queued.result().get(5, TimeUnit.SECONDS).payloadAsString());
        RuntimeApiServer.Submission later = server.submit(new byte[] {'y'}, Duration.ofSeconds(5));
        assertEquals(
                LambdaInvocation.Status.FUNCTION_ERROR,
                later.result().get(5, TimeUnit.SECONDS).status());
        assertEquals(error, new String(server.initError().orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void initError_afterInit_isRefusedWith403AndTheRuntimeKeepsServing() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        get("invocation/next");

        HttpResponse<String> refused = post("init/error", "{\"errorMessage\":\"forged\",\"errorType\":\"X\"}");

        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("InvalidStateTransition"), refused.body());
        assertTrue(server.initError().isEmpty());
        assertFalse(s.result().isDone(), "the running invocation is untouched");
        assertEquals(
                202, post("invocation/" + s.requestId() + "/response", "ok").statusCode());
        assertEquals(
                LambdaInvocation.Status.SUCCESS,
                s.result().get(5, TimeUnit.SECONDS).status());
        RuntimeApiServer.Submission later = server.submit(new byte[] {'y'}, Duration.ofSeconds(5));
        assertEquals("y", get("invocation/next").body());
        assertFalse(later.result().isDone());
    }

    @Test
    void restoreNext_endsInitOnceThenTheRuntimePolls() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));

        assertEquals(200, get("restore/next").statusCode());
        assertTrue(server.initDone().isDone());
        assertEquals(403, get("restore/next").statusCode(), "restore/next ends init once");
        assertEquals("x", get("invocation/next").body());
        assertTrue(server.restoreDuration().isPresent());
        assertEquals(403, post("restore/error", "{}").statusCode(), "the restore is over");
        assertEquals(
                202, post("invocation/" + s.requestId() + "/response", "ok").statusCode());
        LambdaInvocation r = s.result().get(5, TimeUnit.SECONDS);
        assertTrue(r.invocationDuration().isPresent());
        assertTrue(r.invocationDuration().get().compareTo(r.duration()) <= 0);
    }

    @Test
    void restoreError_duringRestore_failsTheInvocations() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        get("restore/next");

        assertEquals(
                202,
                post("restore/error", "{\"errorMessage\":\"hook failed\",\"errorType\":\"R\"}")
                        .statusCode());

        LambdaInvocation r = s.result().get(5, TimeUnit.SECONDS);
        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertTrue(r.payloadAsString().contains("hook failed"));
        assertTrue(r.invocationDuration().isEmpty(), "never delivered");
    }

    @Test
    void traceHeader_saysSampledAsConfigured() throws Exception {
        server.submit(new byte[] {'x'}, Duration.ofSeconds(5));
        assertTrue(get("invocation/next")
                .headers()
                .firstValue("Lambda-Runtime-Trace-Id")
                .orElseThrow()
                .endsWith(";Sampled=0"));
        server.traceSampled(true);
        server.submit(new byte[] {'y'}, Duration.ofSeconds(5));
        assertTrue(get("invocation/next")
                .headers()
                .firstValue("Lambda-Runtime-Trace-Id")
                .orElseThrow()
                .endsWith(";Sampled=1"));
    }

    @Test
    void next_waitsForAnEvent() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(uri("invocation/next")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        assertFalse(poll.isDone(), "a poll with nothing queued must wait");

        server.submit("late".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

        assertEquals("late", poll.get(10, TimeUnit.SECONDS).body());
    }

    @Test
    void close_failsOutstandingAndRefusesNewWork() throws Exception {
        RuntimeApiServer.Submission s = server.submit(new byte[] {'x'}, Duration.ofSeconds(5));

        server.close();

        LambdaInvocation r = s.result().get(5, TimeUnit.SECONDS);
        assertEquals(LambdaInvocation.Status.FUNCTION_ERROR, r.status());
        assertTrue(r.payloadAsString().contains("closed"));
        assertThrows(IllegalStateException.class, () -> server.submit(new byte[0], Duration.ofSeconds(1)));
    }

    @Test
    void errorJson_escapesTheMessage() {
        assertEquals(
                "{\"errorMessage\":\"say \\\"hi\\\"\\n\",\"errorType\":\"T\"}",
                new String(RuntimeApiServer.errorJson("T", "say \"hi\"\n"), StandardCharsets.UTF_8));
    }
}
