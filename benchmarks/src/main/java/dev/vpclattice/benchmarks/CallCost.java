package dev.vpclattice.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.benchmarks.internal.Options;
import dev.vpclattice.benchmarks.internal.Stats;
import dev.vpclattice.client.LatticeAsyncClient;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalLattice;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;

/**
 * The library's cost per call against the User Guide's hand-signed call on the same HTTP client, in CPU time and heap
 * allocated, measured inside one JVM set up as Lambda runs a function on demand (tier-1 compilation, Serial GC, heap
 * 85% of 512 MB) so that both ways run at the compilation level a Lambda function's calls run at for its whole life.
 *
 * <p>Each launch is a fresh JVM for one HTTP client ({@code crt}: {@code AwsCrtHttpClient}, the library's choice
 * inside Lambda; {@code apache5}: {@code Apache5HttpClient}, its choice elsewhere; {@code netty}:
 * {@code NettyNioAsyncHttpClient} under {@link LatticeAsyncClient}, waited for with {@code join()}). It builds both
 * ways, each on its own instance of that client: <em>hand</em>, the code of the hand-written peer
 * ({@code benchmarks/peer}: {@link AwsV4HttpSigner} with {@code PAYLOAD_SIGNING_ENABLED=false},
 * {@code DefaultCredentialsProvider}, the body read whole, the status checked), and <em>library</em>, the code of the
 * minimal handler on {@code LatticeClient} ({@code benchmarks/on-create}: a {@link LatticeRequest}, {@code send},
 * {@code ensureSuccess().body()}). Both POST the same event to a {@link LocalLattice} in this JVM, another process, so
 * the server's work is in neither figure; every call is signed and verified. After warm-up calls it alternates
 * blocks of calls between the two ways, and reads the CPU time of all the child's threads ({@code
 * /proc/self/task/}{@code *}{@code /schedstat}, nanoseconds: the HTTP client's own threads included) and the heap
 * allocated by all of them around each block. The ratio library / hand is taken block pair by block pair, so a
 * change of the machine's speed during the launch moves both sides of each ratio alike; CPU time, unlike wall time,
 * does not count the time a thread waits for a processor on a loaded machine.
 *
 * <p>Usage: {@code CallCost [--clients crt,apache5,netty] [--launches N] [--blocks N] [--calls N] [--warm N]
 * [--event FILE] [--jvm-args "..."] [--out FILE]}: per launch {@code --warm} calls each way, then {@code --blocks}
 * pairs of blocks of {@code --calls} calls. {@code --jvm-args} replaces Lambda's on-demand flags (e.g. with the JVM's
 * defaults, {@code " "}). Prints a table and, with {@code --out}, writes the per-client medians and the settings as
 * JSON lines (one object per HTTP client) that {@link Report} reads.
 */
public final class CallCost {
    /** Lambda's java25 JVM on demand, as {@code LocalLambda} sets it up: tier 1, Serial GC, heap 85% of 512 MB. */
    static final List<String> LAMBDA_ON_DEMAND =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx445645k");

    private static final String KEY = "AKIAFAKECALLCOST0001";
    private static final String SECRET = "FAKE-SECRET-call-cost-0001";
    private static final String[] WAYS = {"hand", "library"};

    private CallCost() {}

    /** The medians of one HTTP client over all launches, and the settings they ran with. */
    record Result(
            String client,
            String jvmArgs,
            int launches,
            int warm,
            int blocks,
            int calls,
            int pairs,
            double handCpuUs,
            double libraryCpuUs,
            double cpuRatio,
            double cpuRatioP25,
            double cpuRatioP75,
            double handAllocatedBytes,
            double libraryAllocatedBytes) {}

    /**
     * Runs the launches and prints the table.
     *
     * @param args see the class description
     * @throws Exception if a launch fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        List<String> clients =
                List.of(options.getOrDefault("clients", "crt,apache5,netty").split(","));
        int launches = Integer.parseInt(options.getOrDefault("launches", "2"));
        int blocks = Integer.parseInt(options.getOrDefault("blocks", "20"));
        int calls = Integer.parseInt(options.getOrDefault("calls", "100"));
        int warm = Integer.parseInt(options.getOrDefault("warm", "1000"));
        List<String> jvmArgs = options.containsKey("jvm-args")
                ? (options.get("jvm-args").isBlank()
                        ? List.of()
                        : List.of(options.get("jvm-args").trim().split("\\s+")))
                : LAMBDA_ON_DEMAND;
        byte[] event = options.containsKey("event")
                ? Files.readAllBytes(Path.of(options.get("event")))
                : "{\"hello\":\"lattice\"}".getBytes(StandardCharsets.UTF_8);
        Path work = Files.createTempDirectory("call-cost");
        byte[] answer = "{\"ok\":true,\"service\":\"loopback\"}".getBytes(StandardCharsets.UTF_8);
        List<Result> results = new ArrayList<>();
        try (LocalLattice lattice = LocalLattice.builder()
                .credential(KEY, SECRET, null)
                .target(request -> VpcLatticeV2Response.builder()
                        .statusCode(200)
                        .header("content-type", "application/json")
                        .body(new String(answer, StandardCharsets.UTF_8))
                        .build())
                .build()) {
            Path pem = work.resolve("lattice.pem");
            Path trustStore = work.resolve("lattice.p12");
            Path eventFile = work.resolve("event.json");
            lattice.certificate().writePem(pem);
            lattice.certificate().writeTrustStore(trustStore, "call-cost".toCharArray());
            Files.write(eventFile, event);
            for (String client : clients) {
                List<double[]> pairs = new ArrayList<>();
                for (int launch = 0; launch < launches; launch++) {
                    pairs.addAll(launch(
                            client,
                            lattice.endpoint().toString(),
                            pem,
                            trustStore,
                            eventFile,
                            warm,
                            blocks,
                            calls,
                            jvmArgs));
                }
                List<Double> ratios = new ArrayList<>();
                List<Double> hand = new ArrayList<>();
                List<Double> library = new ArrayList<>();
                List<Double> handBytes = new ArrayList<>();
                List<Double> libraryBytes = new ArrayList<>();
                for (double[] pair : pairs) {
                    hand.add(pair[0]);
                    library.add(pair[1]);
                    handBytes.add(pair[2]);
                    libraryBytes.add(pair[3]);
                    ratios.add(pair[1] / pair[0]);
                }
                results.add(new Result(
                        client,
                        String.join(" ", jvmArgs),
                        launches,
                        warm,
                        blocks,
                        calls,
                        pairs.size(),
                        Stats.median(hand),
                        Stats.median(library),
                        Stats.median(ratios),
                        Stats.quantile(ratios, 0.25),
                        Stats.quantile(ratios, 0.75),
                        Stats.median(handBytes),
                        Stats.median(libraryBytes)));
            }
        } finally {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(work)) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
        System.out.println("Per call, library / hand-signed on the same HTTP client; JVM flags "
                + (jvmArgs.isEmpty() ? "(defaults)" : String.join(" ", jvmArgs)) + "; " + launches + " launch(es) × "
                + blocks + " block pairs × " + calls + " calls, after " + warm + " warm-up calls each way");
        System.out.println(
                "| HTTP client | hand CPU µs/call | library CPU µs/call | × (paired median, p25–p75) | hand B/call | library B/call |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %.3f (%.3f–%.3f) | %.0f | %.0f |%n",
                    r.client(),
                    r.handCpuUs(),
                    r.libraryCpuUs(),
                    r.cpuRatio(),
                    r.cpuRatioP25(),
                    r.cpuRatioP75(),
                    r.handAllocatedBytes(),
                    r.libraryAllocatedBytes());
        }
        if (options.containsKey("out")) {
            ObjectMapper mapper = new ObjectMapper();
            StringBuilder json = new StringBuilder();
            for (Result r : results) {
                json.append(mapper.writeValueAsString(r)).append('\n');
            }
            Files.writeString(Path.of(options.get("out")), json);
        }
    }

    private static List<double[]> launch(
            String client,
            String url,
            Path pem,
            Path trustStore,
            Path event,
            int warm,
            int blocks,
            int calls,
            List<String> jvmArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        String jfr = System.getProperty("callcost.jfr");
        if (jfr != null) {
            command.add("-XX:StartFlightRecording=settings=profile," + System.getProperty("callcost.jfrsettings", "")
                    + "filename=" + jfr + "/" + client + "-" + System.nanoTime() + ".jfr");
        }
        command.add("-Djavax.net.ssl.trustStore=" + trustStore);
        command.add("-Djavax.net.ssl.trustStorePassword=call-cost");
        command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        command.add("-Daws.crt.libc=glibc");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        command.addAll(List.of(
                client,
                url,
                event.toString(),
                Integer.toString(warm),
                Integer.toString(blocks),
                Integer.toString(calls)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // As Lambda sets them: the credentials (read by DefaultCredentialsProvider, on both sides) and the region; the
        // CRT's native TLS trusts the local certificate through SSL_CERT_FILE, as s2n reads it.
        builder.environment().put("AWS_ACCESS_KEY_ID", KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("SSL_CERT_FILE", pem.toString());
        Process process = builder.start();
        List<double[]> pairs = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try (InputStream in = process.getInputStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                output.append(line).append('\n');
                if (line.startsWith("PAIR ")) {
                    String[] parts = line.split(" ");
                    pairs.add(new double[] {
                        Double.parseDouble(parts[1]),
                        Double.parseDouble(parts[2]),
                        Double.parseDouble(parts[3]),
                        Double.parseDouble(parts[4])
                    });
                }
            }
        }
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0 || pairs.size() != blocks) {
            throw new IllegalStateException("The " + client + " launch failed:\n" + output);
        }
        return pairs;
    }

    /** One launch: both ways on one kind of HTTP client, in alternating blocks; prints a PAIR line per block pair. */
    public static final class Child {
        private Child() {}

        /**
         * Entry point.
         *
         * @param args the HTTP client ({@code crt}, {@code apache5} or {@code netty}), the URL, the event file, the
         *     warm-up calls, the block pairs, the calls per block
         * @throws Exception if a call fails
         */
        public static void main(String[] args) throws Exception {
            String client = args[0];
            URI endpoint = URI.create(args[1]);
            byte[] event = Files.readAllBytes(Path.of(args[2]));
            int warm = Integer.parseInt(args[3]);
            int blocks = Integer.parseInt(args[4]);
            int calls = Integer.parseInt(args[5]);
            Way[] ways = {hand(client, endpoint, event), library(client, endpoint, event)};
            try {
                for (int i = 0; i < warm; i++) {
                    for (Way way : ways) {
                        way.call();
                    }
                }
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                for (int block = 0; block < blocks; block++) {
                    double[] cpu = new double[2];
                    double[] allocated = new double[2];
                    // Alternate which way goes first, so that neither always follows the other.
                    for (int k = 0; k < 2; k++) {
                        int w = (block + k) % 2;
                        long bytes = threads.getTotalThreadAllocatedBytes();
                        long nanos = cpuNanos();
                        for (int i = 0; i < calls; i++) {
                            ways[w].call();
                        }
                        cpu[w] = (cpuNanos() - nanos) / 1e3 / calls;
                        allocated[w] = (double) (threads.getTotalThreadAllocatedBytes() - bytes) / calls;
                    }
                    System.out.printf(
                            Locale.ROOT, "PAIR %.3f %.3f %.1f %.1f%n", cpu[0], cpu[1], allocated[0], allocated[1]);
                }
            } finally {
                for (Way way : ways) {
                    way.close();
                }
            }
        }

        /** The CPU time of all of this process's threads alive now, in nanoseconds. */
        private static long cpuNanos() throws IOException {
            long total = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    try {
                        String stat = Files.readString(task.resolve("schedstat"));
                        total += Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                    } catch (IOException e) {
                        // The thread ended between the listing and the read.
                    }
                }
            }
            return total;
        }

        private static Way hand(String client, URI endpoint, byte[] event) {
            if (client.equals("netty")) {
                return new HandAsync(NettyNioAsyncHttpClient.builder().build(), endpoint, event);
            }
            return new HandSync(
                    client.equals("crt")
                            ? AwsCrtHttpClient.create()
                            : Apache5HttpClient.builder().build(),
                    endpoint,
                    event);
        }

        private static Way library(String client, URI endpoint, byte[] event) {
            if (client.equals("netty")) {
                LatticeAsyncClient async = LatticeAsyncClient.builder()
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                        .build();
                return new Way() {
                    @Override
                    public void call() {
                        byte[] answer = async.send(request(endpoint, event))
                                .join()
                                .ensureSuccess()
                                .body();
                        check(answer);
                    }

                    @Override
                    public void close() {
                        async.close();
                    }
                };
            }
            LatticeClient sync = LatticeClient.builder()
                    .httpClientBuilder(client.equals("crt") ? AwsCrtHttpClient.builder() : Apache5HttpClient.builder())
                    .build();
            return new Way() {
                @Override
                public void call() {
                    byte[] answer =
                            sync.send(request(endpoint, event)).ensureSuccess().body();
                    check(answer);
                }

                @Override
                public void close() {
                    sync.close();
                }
            };
        }

        /** What {@code OnCreateHandler} sends. */
        private static LatticeRequest request(URI endpoint, byte[] event) {
            return LatticeRequest.builder()
                    .method("POST")
                    .url(endpoint.toString())
                    .header("content-type", "application/json")
                    .body(event)
                    .build();
        }

        private static void check(byte[] answer) {
            if (answer.length == 0) {
                throw new IllegalStateException("An empty answer");
            }
        }
    }

    /** One way of making the call. */
    private interface Way extends AutoCloseable {
        void call() throws Exception;

        @Override
        void close();
    }

    /** The hand-written peer's call ({@code benchmarks/peer}'s {@code PeerHandler}), on a sync SDK HTTP client. */
    private static final class HandSync implements Way {
        private static final String REGION = System.getenv("AWS_REGION");
        private final SdkHttpClient httpClient;
        private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        private final AwsCredentialsProvider credentials =
                DefaultCredentialsProvider.builder().build();
        private final URI endpoint;
        private final byte[] event;

        HandSync(SdkHttpClient httpClient, URI endpoint, byte[] event) {
            this.httpClient = httpClient;
            this.endpoint = endpoint;
            this.event = event;
        }

        @Override
        public void call() throws IOException {
            SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(endpoint)
                    .encodedPath(endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                    .putHeader("content-type", "application/json")
                    .putHeader("content-length", Integer.toString(event.length))
                    .contentStreamProvider(() -> new ByteArrayInputStream(event))
                    .build();
            SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(request.contentStreamProvider().orElse(null))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
            HttpExecuteResponse response = httpClient
                    .prepareRequest(HttpExecuteRequest.builder()
                            .request(signed.request())
                            .contentStreamProvider(signed.payload().orElse(null))
                            .build())
                    .call();
            byte[] body = response.responseBody()
                    .map(in -> {
                        try (in) {
                            return in.readAllBytes();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .orElse(new byte[0]);
            int status = response.httpResponse().statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException(
                        "VPC Lattice answered " + status + ": " + new String(body, StandardCharsets.UTF_8));
            }
            Child.check(body);
        }

        @Override
        public void close() {
            httpClient.close();
        }
    }

    /** The same hand-written call on an async SDK HTTP client, waited for with {@code join()}. */
    private static final class HandAsync implements Way {
        private static final String REGION = System.getenv("AWS_REGION");
        private final SdkAsyncHttpClient httpClient;
        private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        private final AwsCredentialsProvider credentials =
                DefaultCredentialsProvider.builder().build();
        private final URI endpoint;
        private final byte[] event;

        HandAsync(SdkAsyncHttpClient httpClient, URI endpoint, byte[] event) {
            this.httpClient = httpClient;
            this.endpoint = endpoint;
            this.event = event;
        }

        @Override
        public void call() {
            SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(endpoint)
                    .encodedPath(endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                    .putHeader("content-type", "application/json")
                    .putHeader("content-length", Integer.toString(event.length))
                    .build();
            SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                    .request(request)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "vpc-lattice-svcs")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
            Answer answer = new Answer();
            httpClient
                    .execute(AsyncExecuteRequest.builder()
                            .request(signed.request())
                            .requestContentPublisher(new BytesPublisher(event))
                            .responseHandler(answer)
                            .build())
                    .whenComplete((ignored, failure) -> {
                        if (failure != null) {
                            answer.body.completeExceptionally(failure);
                        }
                    });
            byte[] body = answer.body.join();
            if (answer.status / 100 != 2) {
                throw new IllegalStateException("VPC Lattice answered " + answer.status);
            }
            Child.check(body);
        }

        @Override
        public void close() {
            httpClient.close();
        }
    }

    /** A request body of one array, as {@code AsyncRequestBody.fromBytes} would publish it. */
    private static final class BytesPublisher implements SdkHttpContentPublisher {
        private final byte[] bytes;

        BytesPublisher(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public Optional<Long> contentLength() {
            return Optional.of((long) bytes.length);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Subscription() {
                private boolean done;

                @Override
                public void request(long n) {
                    if (done || n <= 0) {
                        return;
                    }
                    done = true;
                    subscriber.onNext(ByteBuffer.wrap(bytes));
                    subscriber.onComplete();
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }

    /** Collects an async answer's status and body. */
    private static final class Answer implements SdkAsyncHttpResponseHandler {
        final CompletableFuture<byte[]> body = new CompletableFuture<>();
        volatile int status;

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            status = headers.statusCode();
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            stream.subscribe(new Subscriber<ByteBuffer>() {
                private final java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();

                @Override
                public void onSubscribe(Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer buffer) {
                    byte[] chunk = new byte[buffer.remaining()];
                    buffer.get(chunk);
                    read.write(chunk, 0, chunk.length);
                }

                @Override
                public void onError(Throwable failure) {
                    body.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    body.complete(read.toByteArray());
                }
            });
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }
    }
}
