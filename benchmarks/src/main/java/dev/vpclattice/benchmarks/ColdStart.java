package dev.vpclattice.benchmarks;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vpclattice.benchmarks.internal.Artifacts;
import dev.vpclattice.benchmarks.internal.HeapInfo;
import dev.vpclattice.benchmarks.internal.NaiveEchoHandler;
import dev.vpclattice.benchmarks.internal.Options;
import dev.vpclattice.benchmarks.internal.Stats;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LambdaRuntime;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.local.LocalLattice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Measures cold starts as Lambda reports them, for fresh JVMs running the real Lambda Java runtime interface client
 * (through {@link LocalLambda}) on SAM-style artifact directories: launch to first response, Lambda's <em>Init
 * Duration</em> (launch to the runtime's first request for work) and <em>Duration</em> of the first invocation, then
 * the Duration of {@code --warm} further invocations of the same environment, and the runtime's peak resident memory.
 *
 * <p>Kinds ({@link #DEFAULT_KINDS}; {@code --kinds} names others): the floor ({@link FloorHandler}), the service
 * function, the client function as shipped (its first call, a SigV4-signed POST over HTTPS to a {@link LocalLattice}
 * in this JVM, included) and on Apache 5, the minimal user handler on {@code LatticeClient.create()}, and the
 * hand-written peer of the User Guide's example on the CRT and on the Apache 4 client, all on Lambda's {@code java25}
 * runtime as {@link LocalLambda} emulates it (tier 1, the runtime client from its AOT cache); the floor without that
 * cache; the floor, service, client and CRT peer on {@code java21}'s flags; and the service and client initialised for
 * SnapStart ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, java25's default tiers; the runtime client calls
 * {@code restore/next} at the end of init, where the snapshot would be taken, so their first invocation's Duration is
 * what a restored environment still has to do). On request: the client on URLConnection or on a sampled invocation
 * ({@code Sampled=1}), and the echo written naively with jackson-databind.
 *
 * <p>Launches are interleaved (each round runs every kind once, in an order rotated per round) so that machine
 * load drifts over all kinds alike. A first round warms the file cache and is discarded. One more launch per kind
 * with {@code -Xlog:class+load} counts the classes loaded up to the first response and reads the heap after it
 * ({@code jcmd GC.heap_info}, before and after a full GC). Writes a JSON file the {@link Report} reads.
 *
 * <p>Usage: {@code ColdStart --service-dir DIR --client-dir DIR [--peer-dir DIR] [--on-create-dir DIR] --event FILE
 * --work DIR --out FILE [--runs N] [--warm N] [--kinds service,client,...] [--variants name=DIR,...]} (the peer's and
 * the {@code create()} handler's directories are needed by the kinds that run them); the function
 * directories are what {@code make build-ServiceFunction / build-ClientFunction ARTIFACTS_DIR=DIR} produce, the peer's
 * and the minimal handler's are laid out the same way ({@code lib/} holding the shaded jar and aws-crt's native
 * library) by {@code scripts/bench}. The java25 runtime client's AOT caches are trained into {@code WORK/aot}. {@code --variants} adds other
 * builds of the client function (to compare before and after a change; each on demand and, as {@code name-snap},
 * after a SnapStart init), {@code --kinds} keeps only the named ones (and the floors). Exits non-zero, printing the
 * function's log, if any launch does not succeed.
 */
public final class ColdStart {
    private static final String ACCESS_KEY = "ASIAFAKECOLDSTART001";
    private static final String SECRET_KEY = "FAKE-SECRET-cold-start-0001";
    private static final String SESSION_TOKEN = "FAKE-SESSION-TOKEN-cold-start-0001";
    private static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/ClientFunctionRole/cold-start";
    private static final String CLIENT_HANDLER = "dev.vpclattice.function.client.ClientHandler";
    private static final String SERVICE_HANDLER = "dev.vpclattice.function.service.EchoHandler";
    private static final String PEER_PACKAGE = "dev.vpclattice.benchmarks.peer.";
    private static final String ON_CREATE_HANDLER = "dev.vpclattice.benchmarks.oncreate.OnCreateHandler";

    private ColdStart() {}

    /** One kind of function launched. */
    private record Kind(
            String name,
            String description,
            Path directory,
            String handler,
            Map<String, String> env,
            List<String> jvmArguments,
            byte[] event,
            String mustContain,
            boolean snapStart,
            boolean sampled,
            LambdaRuntime runtime,
            boolean aotCache) {

        /** The same function on another runtime configuration, named with a suffix. */
        Kind on(LambdaRuntime otherRuntime, boolean withAotCache, String suffix, String what) {
            return new Kind(
                    name + suffix,
                    description + "; " + what,
                    directory,
                    handler,
                    env,
                    jvmArguments,
                    event,
                    mustContain,
                    snapStart,
                    sampled,
                    otherRuntime,
                    withAotCache);
        }
    }

    /** The kinds launched unless {@code --kinds} names others (the floors always are). */
    static final List<String> DEFAULT_KINDS = List.of(
            "floor-no-aot",
            "floor-java21",
            "service",
            "service-java21",
            "client",
            "client-java21",
            "client-on-create",
            "peer-crt",
            "peer-crt-java21",
            "peer-apache",
            "client-apache5",
            "service-snap",
            "client-snap");

    /**
     * Runs the measurement.
     *
     * @param args see the class description
     * @throws Exception if setting up fails; a failed launch exits with status 1
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        Path serviceDir = Path.of(Options.required(options, "service-dir"));
        Path clientDir = Path.of(Options.required(options, "client-dir"));
        // Needed only by the kinds that run them (the peers, client-on-create).
        Path peerDir =
                Path.of(options.getOrDefault("peer-dir", "missing-peer-dir")).toAbsolutePath();
        Path onCreateDir = Path.of(options.getOrDefault("on-create-dir", "missing-on-create-dir"))
                .toAbsolutePath();
        byte[] serviceEvent = Files.readAllBytes(Path.of(Options.required(options, "event")));
        Path work = Files.createDirectories(
                Path.of(Options.required(options, "work")).toAbsolutePath());
        Path out = Path.of(Options.required(options, "out"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "10"));
        int warmCalls = Integer.parseInt(options.getOrDefault("warm", "100"));
        aotCacheDirectory = work.resolve("aot");

        Path floorDir = Artifacts.jarOfClasses(work.resolve("floor"), "floor.jar", FloorHandler.class);
        Path naiveDir = Artifacts.jarOfClasses(work.resolve("naive-echo"), "naive-echo.jar", NaiveEchoHandler.class);
        Artifacts.copyJarsOf(naiveDir.resolve("lib"), ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class);

        Queue<String> latticeLog = new ConcurrentLinkedQueue<>();
        try (ContainerCredentials containerCredentials =
                        ContainerCredentials.start(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN);
                LocalLattice lattice = LocalLattice.builder()
                        .sessionCredential(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, PRINCIPAL)
                        .allow(PRINCIPAL)
                        .accessLog(latticeLog::add)
                        .target(event -> VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .header("content-type", "application/json")
                                .body("{\"received\":" + event.getBody().length() + "}")
                                .build())
                        .build()) {
            // Trust as in production plus the local Lattice's certificate. JSSE clients: the JDK's CA certificates
            // and it, in a trust store (-Djavax.net.ssl.trustStore, which the JVM reads as it would read cacerts).
            // CRT: s2n reads the system CA bundle natively and, as libcrypto does, SSL_CERT_FILE (tested); a
            // Java trust store would make the CRT client parse it with Java's KeyStore, which no Lambda does.
            List<String> jsseTrust = List.of(
                    "-Djavax.net.ssl.trustStore=" + jdkCasAnd(lattice, work),
                    "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD,
                    "-Djavax.net.ssl.trustStoreType=PKCS12");
            Path pem = work.resolve("lattice.pem");
            lattice.certificate().writePem(pem);
            List<String> crtTrust = List.of();
            Map<String, String> clientEnv = Map.of(
                    "LATTICE_ENDPOINT", lattice.endpoint().toString(),
                    "SSL_CERT_FILE", pem.toString(),
                    "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                    "AWS_SESSION_TOKEN", SESSION_TOKEN);
            // SnapStart functions get no key variables: Lambda serves their credentials at a container endpoint.
            Map<String, String> snapEnv = Map.of(
                    "LATTICE_ENDPOINT", lattice.endpoint().toString(),
                    "SSL_CERT_FILE", pem.toString(),
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", containerCredentials.uri(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN", containerCredentials.token());
            byte[] clientEvent = "{\"hello\":\"lattice\",\"n\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
            String ok = "\"statusCode\":200";
            // The hand-written peer and the minimal user handler return the service's answer as it is.
            String answered = "{\"received\":" + clientEvent.length + "}";
            LambdaRuntime java25 = LambdaRuntime.JAVA25;
            LambdaRuntime java21 = LambdaRuntime.JAVA21;
            String onJava21 = "java21 (tier 1, -Xshare:auto, no AOT cache)";
            Kind floor = new Kind(
                    "floor",
                    "FloorHandler: constant answer, no JSON library",
                    floorDir,
                    FloorHandler.class.getName(),
                    Map.of(),
                    List.of(),
                    serviceEvent,
                    ok,
                    false,
                    false,
                    java25,
                    true);
            Kind service = new Kind(
                    "service",
                    "service function (EchoHandler, jackson-core streaming)",
                    serviceDir,
                    SERVICE_HANDLER,
                    Map.of(),
                    List.of(),
                    serviceEvent,
                    ok,
                    false,
                    false,
                    java25,
                    true);
            Kind client = new Kind(
                    "client",
                    "client function as shipped (LATTICE_HTTP_CLIENT unset: crt, AwsCrtHttpClient): build client, "
                            + "first signed POST over TLS to LocalLattice, result as JSON",
                    clientDir,
                    CLIENT_HANDLER,
                    clientEnv,
                    crtTrust,
                    clientEvent,
                    ok,
                    false,
                    false,
                    java25,
                    true);
            Kind peerCrt = new Kind(
                    "peer-crt",
                    "hand-written peer (the User Guide's AwsV4HttpSigner, PAYLOAD_SIGNING_ENABLED=false, "
                            + "DefaultCredentialsProvider) on AwsCrtHttpClient: POSTs the event, returns the answer",
                    peerDir,
                    PEER_PACKAGE + "CrtPeerHandler",
                    clientEnv,
                    crtTrust,
                    clientEvent,
                    answered,
                    false,
                    false,
                    java25,
                    true);
            List<Kind> kinds = new ArrayList<>(List.of(
                    floor,
                    floor.on(java25, false, "-no-aot", "java25 without the runtime client's AOT cache"),
                    floor.on(java21, false, "-java21", onJava21),
                    service,
                    service.on(java21, false, "-java21", onJava21),
                    client,
                    client.on(java21, false, "-java21", onJava21),
                    new Kind(
                            "client-on-create",
                            "minimal user handler: LatticeClient.create() (the CRT client, chosen by the library in "
                                    + "Lambda), POSTs the event, returns the answer",
                            onCreateDir,
                            ON_CREATE_HANDLER,
                            clientEnv,
                            crtTrust,
                            clientEvent,
                            answered,
                            false,
                            false,
                            java25,
                            true),
                    peerCrt,
                    peerCrt.on(java21, false, "-java21", onJava21),
                    new Kind(
                            "peer-apache",
                            "hand-written peer as above on ApacheHttpClient (Apache 4, the User Guide's client)",
                            peerDir,
                            PEER_PACKAGE + "ApachePeerHandler",
                            clientEnv,
                            jsseTrust,
                            clientEvent,
                            answered,
                            false,
                            false,
                            java25,
                            true),
                    new Kind(
                            "client-apache5",
                            "client function, LATTICE_HTTP_CLIENT=apache5 (Apache5HttpClient)",
                            clientDir,
                            CLIENT_HANDLER,
                            with(clientEnv, "LATTICE_HTTP_CLIENT", "apache5"),
                            jsseTrust,
                            clientEvent,
                            ok,
                            false,
                            false,
                            java25,
                            true),
                    new Kind(
                            "client-urlconnection",
                            "client function, LATTICE_HTTP_CLIENT=urlconnection (UrlConnectionHttpClient)",
                            clientDir,
                            CLIENT_HANDLER,
                            with(clientEnv, "LATTICE_HTTP_CLIENT", "urlconnection"),
                            jsseTrust,
                            clientEvent,
                            ok,
                            false,
                            false,
                            java25,
                            true),
                    new Kind(
                            "client-sampled",
                            "client function as shipped, every invocation sampled (Sampled=1: "
                                    + "X-Ray recorder and subsegments)",
                            clientDir,
                            CLIENT_HANDLER,
                            clientEnv,
                            crtTrust,
                            clientEvent,
                            ok,
                            false,
                            true,
                            java25,
                            true),
                    new Kind(
                            "naive-echo",
                            "reference: echo with jackson-databind tree in/out",
                            naiveDir,
                            NaiveEchoHandler.class.getName(),
                            Map.of(),
                            List.of(),
                            serviceEvent,
                            ok,
                            false,
                            false,
                            java25,
                            true),
                    new Kind(
                            "floor-snap",
                            "FloorHandler, SnapStart init",
                            floorDir,
                            FloorHandler.class.getName(),
                            Map.of(),
                            List.of(),
                            serviceEvent,
                            ok,
                            true,
                            false,
                            java25,
                            true),
                    new Kind(
                            "service-snap",
                            "service function, SnapStart init",
                            serviceDir,
                            SERVICE_HANDLER,
                            Map.of(),
                            List.of(),
                            serviceEvent,
                            ok,
                            true,
                            false,
                            java25,
                            true),
                    new Kind(
                            "client-snap",
                            "client function as shipped, SnapStart init (primes the call path); "
                                    + "credentials from a container endpoint, as Lambda serves SnapStart functions",
                            clientDir,
                            CLIENT_HANDLER,
                            snapEnv,
                            crtTrust,
                            clientEvent,
                            ok,
                            true,
                            false,
                            java25,
                            true)));
            // Extra client builds to compare (before/after an optimisation): --variants name=dir,name2=dir2
            List<String> variantNames = new ArrayList<>();
            for (String variant : options.getOrDefault("variants", "").split(",")) {
                if (!variant.isBlank()) {
                    String[] nameDir = variant.split("=", 2);
                    Path dir = Path.of(nameDir[1]).toAbsolutePath();
                    kinds.add(new Kind(
                            nameDir[0],
                            "variant: client function built from " + nameDir[1],
                            dir,
                            CLIENT_HANDLER,
                            clientEnv,
                            crtTrust,
                            clientEvent,
                            ok,
                            false,
                            false,
                            java25,
                            true));
                    kinds.add(new Kind(
                            nameDir[0] + "-snap",
                            "variant: client function built from " + nameDir[1] + ", SnapStart init",
                            dir,
                            CLIENT_HANDLER,
                            snapEnv,
                            crtTrust,
                            clientEvent,
                            ok,
                            true,
                            false,
                            java25,
                            true));
                    variantNames.add(nameDir[0]);
                    variantNames.add(nameDir[0] + "-snap");
                }
            }
            // Only some kinds (the floors are always kept: every ratio needs them): --kinds service,client
            List<String> wanted = new ArrayList<>(List.of("floor", "floor-snap"));
            wanted.addAll(
                    options.containsKey("kinds") ? List.of(options.get("kinds").split(",")) : DEFAULT_KINDS);
            wanted.addAll(variantNames);
            kinds.removeIf(k -> !wanted.contains(k.name()));
            for (Kind kind : kinds) {
                if (!Files.isDirectory(kind.directory())) {
                    System.err.println("The " + kind.name() + " function's directory " + kind.directory()
                            + " does not exist: pass its artifact directory (--peer-dir for the peers, --on-create-dir"
                            + " for client-on-create), or leave it out with --kinds");
                    System.exit(2);
                }
            }

            Map<String, List<Launch>> launches = new LinkedHashMap<>();
            kinds.forEach(k -> launches.put(k.name(), new ArrayList<>()));
            Instant started = Instant.now();
            for (int round = 0; round <= runs; round++) {
                for (int i = 0; i < kinds.size(); i++) {
                    Kind kind = kinds.get((i + round) % kinds.size());
                    Launch launch = launch(kind, warmCalls);
                    if (round > 0) {
                        launches.get(kind.name()).add(launch);
                    }
                }
                System.err.printf("cold-start round %d/%d done%n", round, runs);
            }

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("runs", runs);
            result.put("warmCalls", warmCalls);
            result.put("started", started.toString());
            result.put("finished", Instant.now().toString());
            result.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Kind kind : kinds) {
                Profile profile = profile(kind, work);
                List<Launch> ls = launches.get(kind.name());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kind", kind.name());
                row.put("description", kind.description());
                row.put("handler", kind.handler());
                row.put("snapStart", kind.snapStart());
                row.put("runtime", kind.runtime().identifier());
                row.put(
                        "runtimeClientAotCache",
                        kind.aotCache() && kind.runtime().runtimeClientAotCache());
                row.put("artifactBytes", Artifacts.size(kind.directory()));
                row.put("coldMs", ls.stream().map(Launch::firstResponseMs).toList());
                row.put(
                        "coldMedianMs",
                        Stats.median(ls.stream().map(Launch::firstResponseMs).toList()));
                row.put("initMs", ls.stream().map(Launch::initMs).toList());
                row.put(
                        "firstInvocationMs",
                        ls.stream().map(Launch::firstInvocationMs).toList());
                row.put("restoreMs", ls.stream().map(Launch::restoreMs).toList());
                row.put("warmMedianMs", ls.stream().map(Launch::warmMedianMs).toList());
                row.put("warmP99Ms", ls.stream().map(Launch::warmP99Ms).toList());
                row.put("warmTotalMs", ls.stream().map(Launch::warmTotalMs).toList());
                row.put("coldCpuMs", ls.stream().map(Launch::firstResponseCpuMs).toList());
                row.put("initCpuMs", ls.stream().map(Launch::initCpuMs).toList());
                row.put(
                        "firstInvocationCpuMs",
                        ls.stream().map(Launch::firstInvocationCpuMs).toList());
                row.put(
                        "warmMedianCpuMs",
                        ls.stream().map(Launch::warmMedianCpuMs).toList());
                row.put("totalCpuMs", ls.stream().map(Launch::totalCpuMs).toList());
                row.put(
                        "peakRssAfterFirstBytes",
                        ls.stream().map(Launch::peakRssAfterFirst).toList());
                row.put(
                        "peakRssAfterWarmBytes",
                        ls.stream().map(Launch::peakRssAfterWarm).toList());
                row.put("classesLoaded", profile.classes());
                row.put("classesFromFunction", profile.classesFromFunction());
                row.put("classesAtInitEnd", profile.atInitEnd());
                row.put("classesDuringFirstInvocation", profile.duringFirst());
                row.put(
                        "classesFirstInvocationFile",
                        profile.firstInvocationFile().toString());
                row.put("heapUsedAfterFirstBytes", profile.heap().usedBytes());
                row.put("heapLiveAfterFirstBytes", profile.liveHeap().usedBytes());
                row.put("metaspaceUsedBytes", profile.heap().metaspaceBytes());
                rows.add(row);
            }
            result.put("kinds", rows);
            result.put("latticeRequests", latticeLog.size());
            result.put("containerCredentialRequests", containerCredentials.served());
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.err.println("cold-start results written to " + out);
        }
    }

    private static final String TRUST_STORE_PASSWORD = "changeit";

    /** The JDK's CA certificates and the local Lattice's, in a PKCS12 trust store. */
    private static Path jdkCasAnd(LocalLattice lattice, Path work)
            throws java.io.IOException, java.security.GeneralSecurityException {
        java.security.KeyStore cas = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        try (java.io.InputStream in =
                Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            cas.load(in, null);
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (String alias : java.util.Collections.list(cas.aliases())) {
            if (cas.isCertificateEntry(alias)) {
                trust.setCertificateEntry(alias, cas.getCertificate(alias));
            }
        }
        trust.setCertificateEntry("local-lattice", lattice.certificate().x509());
        Path file = work.resolve("truststore-jdk-cas.p12");
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    /**
     * A container-credentials endpoint on loopback, as Lambda serves a SnapStart function its role's credentials
     * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}).
     */
    private static final class ContainerCredentials implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;
        private final java.util.concurrent.ExecutorService executor;
        private final String token = "FAKE-CONTAINER-AUTHORIZATION-cold-start";
        private final java.util.concurrent.atomic.AtomicInteger served =
                new java.util.concurrent.atomic.AtomicInteger();

        private ContainerCredentials(String accessKey, String secretKey, String sessionToken)
                throws java.io.IOException {
            server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
            executor = java.util.concurrent.Executors.newCachedThreadPool();
            server.setExecutor(executor);
            server.createContext("/2021-04-23/credentials", exchange -> {
                boolean authorized = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
                byte[] body = authorized
                        ? ("{\"AccessKeyId\":\"" + accessKey + "\",\"SecretAccessKey\":\"" + secretKey
                                        + "\",\"Token\":\"" + sessionToken + "\",\"Expiration\":\""
                                        + Instant.now()
                                                .plus(Duration.ofHours(6))
                                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                        + "\"}")
                                .getBytes(StandardCharsets.UTF_8)
                        : new byte[0];
                if (authorized) {
                    served.incrementAndGet();
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(authorized ? 200 : 403, body.length == 0 ? -1 : body.length);
                try (java.io.OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        static ContainerCredentials start(String accessKey, String secretKey, String sessionToken)
                throws java.io.IOException {
            return new ContainerCredentials(accessKey, secretKey, sessionToken);
        }

        String uri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/2021-04-23/credentials";
        }

        String token() {
            return token;
        }

        int served() {
            return served.get();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return Map.copyOf(copy);
    }

    /**
     * What one launch measured, in milliseconds and bytes. CPU times are the runtime process's user + system time:
     * from launch to the first response, in init, in the first invocation, the median warm invocation, and from launch
     * to the last warm response.
     */
    private record Launch(
            double firstResponseMs,
            double initMs,
            double firstInvocationMs,
            double restoreMs,
            double warmMedianMs,
            double warmP99Ms,
            double warmTotalMs,
            double peakRssAfterFirst,
            double peakRssAfterWarm,
            double firstResponseCpuMs,
            double initCpuMs,
            double firstInvocationCpuMs,
            double warmMedianCpuMs,
            double totalCpuMs) {}

    /** Where the java25 runtime client's AOT caches are trained, once, before the first timed launch. */
    private static Path aotCacheDirectory;

    private static LocalLambda.Builder builder(Kind kind, Queue<String> log) {
        return LocalLambda.builder()
                .functionDirectory(kind.directory())
                .handler(kind.handler())
                .functionName(kind.name())
                .environment(kind.env())
                .snapStart(kind.snapStart())
                .runtime(kind.runtime())
                .runtimeClientAotCache(kind.aotCache())
                .aotCacheDirectory(aotCacheDirectory)
                .traceSampled(kind.sampled())
                .timeout(Duration.ofSeconds(30))
                .logSink(log::add);
    }

    /** Launches a fresh runtime, invokes it once cold and {@code warmCalls} times warm. Exits the JVM on failure. */
    private static Launch launch(Kind kind, int warmCalls) {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (LocalLambda function =
                builder(kind, log).jvmArguments(kind.jvmArguments()).build()) {
            LambdaInvocation first = function.invoke(kind.event());
            check(kind, first, log);
            List<Double> warm = new ArrayList<>();
            List<Double> warmCpu = new ArrayList<>();
            double peakAfterWarm = -1;
            double totalCpu = cpuMillis(first.processCpuTime());
            for (int i = 0; i < warmCalls; i++) {
                LambdaInvocation again = function.invoke(kind.event());
                check(kind, again, log);
                warm.add(millis(again.invocationDuration().orElseThrow()));
                warmCpu.add(cpuMillis(again.cpuTime()));
                peakAfterWarm = again.maxMemoryUsedBytes().orElse(-1);
                totalCpu = cpuMillis(again.processCpuTime());
            }
            return new Launch(
                    millis(first.duration()),
                    millis(first.initDuration().orElseThrow()),
                    millis(first.invocationDuration().orElseThrow()),
                    first.restoreDuration().map(ColdStart::millis).orElse(Double.NaN),
                    warm.isEmpty() ? Double.NaN : Stats.median(warm),
                    warm.isEmpty() ? Double.NaN : Stats.quantile(warm, 0.99),
                    warm.stream().mapToDouble(Double::doubleValue).sum(),
                    first.maxMemoryUsedBytes().orElse(-1),
                    peakAfterWarm,
                    cpuMillis(first.processCpuTime()),
                    cpuMillis(first.initCpuTime()),
                    cpuMillis(first.cpuTime()),
                    warmCpu.isEmpty() ? Double.NaN : Stats.median(warmCpu),
                    totalCpu);
        }
    }

    private static double cpuMillis(java.util.Optional<Duration> cpu) {
        return cpu.map(ColdStart::millis).orElse(Double.NaN);
    }

    private static void check(Kind kind, LambdaInvocation invocation, Queue<String> log) {
        if (invocation.status() != LambdaInvocation.Status.SUCCESS
                || !invocation.payloadAsString().contains(kind.mustContain())) {
            System.err.println("The " + kind.name() + " function did not answer as expected: " + invocation.status()
                    + " " + invocation.payloadAsString());
            log.forEach(line -> System.err.println("  | " + line));
            System.exit(1);
        }
    }

    /**
     * Classes loaded up to the first response (all, and from the artifact), by the end of init and during the first
     * invocation (whose names are in {@code firstInvocationFile}), and the heap then.
     */
    private record Profile(
            int classes,
            int classesFromFunction,
            int atInitEnd,
            int duringFirst,
            Path firstInvocationFile,
            HeapInfo heap,
            HeapInfo liveHeap) {}

    /**
     * Two more launches. One with a class-load log ({@link LocalLambda.Builder#classLoadLog(Path)}): the classes
     * loaded by the end of init and during the first invocation (the runtime waits on the Runtime API at both
     * moments, so the counts are exact), the latter's names written next to the log; the total is counted once the
     * runtime is stopped (so it includes the few classes it loads while asking for the next event). One without: the
     * heap after the first invocation, as it is and after a full GC ({@code jcmd}, whose attach would add classes to
     * the count).
     */
    private static Profile profile(Kind kind, Path work) throws java.io.IOException {
        String directory = kind.directory().toAbsolutePath().normalize().toString();
        Path classDir = Files.createDirectories(work.resolve("classes"));
        Path classLog = classDir.resolve(kind.name() + ".log");
        Queue<String> log = new ConcurrentLinkedQueue<>();
        LambdaInvocation first;
        try (LocalLambda function = builder(kind, log)
                .jvmArguments(kind.jvmArguments())
                .classLoadLog(classLog)
                .timeout(Duration.ofSeconds(60))
                .build()) {
            first = function.invoke(kind.event());
            check(kind, first, log);
        }
        List<String> lines = Files.readAllLines(classLog);
        int all = lines.size();
        int fromFunction =
                (int) lines.stream().filter(line -> line.contains(directory)).count();
        int atInitEnd = first.classesLoadedAtInitEnd().orElse(-1);
        int atDelivery = first.classesLoadedAtDelivery().orElse(-1);
        int atAnswer = first.classesLoadedAtAnswer().orElse(-1);
        Path firstInvocation = classDir.resolve(kind.name() + "-first-invocation.txt");
        Files.write(
                firstInvocation,
                atDelivery < 0 || atAnswer < atDelivery
                        ? List.of()
                        : lines.subList(atDelivery, Math.min(atAnswer, all)));
        HeapInfo heap;
        HeapInfo live;
        Queue<String> heapLog = new ConcurrentLinkedQueue<>();
        try (LocalLambda function =
                builder(kind, heapLog).jvmArguments(kind.jvmArguments()).build()) {
            check(kind, function.invoke(kind.event()), heapLog);
            heap = HeapInfo.of(function.pid(), false);
            live = HeapInfo.of(function.pid(), true);
        }
        return new Profile(all, fromFunction, atInitEnd, atAnswer - atDelivery, firstInvocation, heap, live);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
