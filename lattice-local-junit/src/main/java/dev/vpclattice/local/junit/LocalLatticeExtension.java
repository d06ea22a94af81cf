package dev.vpclattice.local.junit;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.LambdaTarget;
import dev.vpclattice.local.LatticeTarget;
import dev.vpclattice.local.ListenerProtocol;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.LocalLattice;
import dev.vpclattice.local.internal.PrincipalArns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A JUnit Jupiter extension that runs a {@link LocalLattice} for a test class: HTTPS on loopback, SigV4 verified as
 * VPC Lattice verifies it, an auth policy, and V2 (or V1) events delivered to an in-JVM {@link LatticeTarget} or to a
 * Lambda function's SAM artifact in the real Lambda Java runtime client, or requests forwarded to a running HTTP
 * server with the headers Lattice adds for HTTP targets.
 *
 * <p>Register it in a static field; it starts before the class's first test (before its {@code @BeforeAll} methods)
 * and stops after the class, the function's runtime included:
 * <pre>
 * &#64;RegisterExtension
 * static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
 *         .target(event -&gt; VpcLatticeV2Response.builder().statusCode(200).body("hello").build())
 *         .build();
 *
 * &#64;Test
 * void signedCall_isAccepted(URI endpoint, X509Certificate certificate, AwsCredentialsProvider credentials) { ... }
 * </pre>
 *
 * <p><b>Static or instance field.</b> A static field gives one local Lattice per test class (the usual choice: its
 * start takes about a second, a function's first invocation a few more). An instance field gives one per test method,
 * started before each test and stopped after it, as Testcontainers does for instance fields; use it when tests must
 * not share state. With {@code @TestInstance(Lifecycle.PER_CLASS)} an instance field is also per class. A
 * {@code @Nested} class shares its enclosing class's local Lattice.
 *
 * <p><b>Principals.</b> The local Lattice knows two principals, {@link #allowedPrincipal()} and
 * {@link #deniedPrincipal()}, each with temporary credentials generated for this extension (an access key id, a secret
 * and a session token, as a Lambda function's role has); the auth policy allows only the first. Under
 * {@link AuthType#NONE} there is no auth policy, and a signature by either is verified and reported in the event.
 * More principals, host names, an access log, a clock and the rest of {@link LocalLattice.Builder} go through
 * {@link Builder#latticeOptions(Consumer)}.
 *
 * <p><b>Injection.</b> A test's constructor, {@code @BeforeAll}, {@code @BeforeEach} and test methods may take these
 * parameters: {@link URI} (the endpoint), {@link LocalCertificate}, {@link X509Certificate} (the certificate, as the
 * library's {@code LatticeClient.builder().trustedCertificates(...)} takes it), {@link AwsCredentialsProvider} (the
 * allowed principal's; annotated with {@link DeniedPrincipal}, the denied one's) and {@link LocalLattice}. With two
 * extensions in one class, those parameters would be ambiguous (JUnit refuses them): use the fields' getters.
 *
 * <p>The getters may be called while the local Lattice runs, i.e. from a test or a lifecycle method of the class that
 * registers it; otherwise they throw {@link IllegalStateException}. Thread-safe.
 */
public final class LocalLatticeExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The principal the auth policy allows unless {@link Builder#allowedPrincipal(String)} names another. */
    public static final String DEFAULT_ALLOWED_PRINCIPAL =
            "arn:aws:sts::123456789012:assumed-role/allowed-caller/local-test";

    /**
     * The principal the local Lattice knows but the auth policy leaves out, unless {@link Builder#deniedPrincipal}
     * names another.
     */
    public static final String DEFAULT_DENIED_PRINCIPAL =
            "arn:aws:sts::123456789012:assumed-role/denied-caller/local-test";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private final DefaultBuilder config;
    private final AwsSessionCredentials allowed;
    private final AwsSessionCredentials denied;
    private final AwsCredentialsProvider allowedProvider;
    private final AwsCredentialsProvider deniedProvider;
    private final List<VpcLatticeV2Request> received = new CopyOnWriteArrayList<>();
    private final List<VpcLatticeV1Request> receivedV1 = new CopyOnWriteArrayList<>();
    private final VpcLatticeEventCodec codec = new VpcLatticeEventCodec();

    /** Class-level contexts (the class, its nested classes) and method-level contexts that hold the server. */
    private final Set<String> classOwners = new HashSet<>();

    private final Set<String> methodOwners = new HashSet<>();
    private volatile Running running;

    private LocalLatticeExtension(DefaultBuilder config) {
        this.config = config.copy();
        this.allowed = generateCredentials();
        this.denied = generateCredentials();
        this.allowedProvider = StaticCredentialsProvider.create(allowed);
        this.deniedProvider = StaticCredentialsProvider.create(denied);
    }

    /**
     * Starts configuring an extension. Required: a {@link Builder#target(LatticeTarget) target} or a
     * {@link Builder#function(Path, String) function}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new DefaultBuilder();
    }

    /** What one start created; closed in reverse order. */
    private record Running(LocalLattice lattice, LambdaTarget target, LocalLambda function, Path directory, Path pem) {}

    @Override
    public void beforeAll(ExtensionContext context) {
        acquire(classOwners, context.getUniqueId());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        release(classOwners, context.getUniqueId());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            // An instance field is registered after its class's beforeAll: it then runs per test method.
            if (classOwners.isEmpty()) {
                acquire(methodOwners, context.getUniqueId());
            }
        }
        received.clear();
        receivedV1.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        release(methodOwners, context.getUniqueId());
    }

    private synchronized void acquire(Set<String> owners, String owner) {
        if (running == null) {
            running = start();
        }
        owners.add(owner);
    }

    private synchronized void release(Set<String> owners, String owner) {
        if (owners.remove(owner) && classOwners.isEmpty() && methodOwners.isEmpty()) {
            Running stopping = running;
            running = null;
            stop(stopping, null);
        }
    }

    /** Starts the local Lattice and the function; whatever started is stopped again if a later step fails. */
    private Running start() {
        LocalLattice lattice = null;
        LambdaTarget lambdaTarget = null;
        LocalLambda function = null;
        Path directory = null;
        try {
            // A function handles one request at a time, takes either event version and its target measures what the
            // function wrote; an in-JVM target says so itself.
            boolean runsFunction = config.functionDirectory != null;
            DelegatingTarget target = config.targetUrl != null
                    ? null
                    : new DelegatingTarget(
                            received,
                            receivedV1,
                            codec,
                            runsFunction ? 1 : config.target.maxConcurrency(),
                            runsFunction || config.target.checksResponseSize(),
                            runsFunction ? version -> true : config.target::supports);
            LocalLattice.Builder builder = LocalLattice.builder()
                    .listener(config.listener)
                    .region(config.region)
                    .authType(config.authType)
                    .sessionCredential(
                            allowed.accessKeyId(),
                            allowed.secretAccessKey(),
                            allowed.sessionToken(),
                            config.allowedPrincipal)
                    .sessionCredential(
                            denied.accessKeyId(),
                            denied.secretAccessKey(),
                            denied.sessionToken(),
                            config.deniedPrincipal)
                    .allow(config.allowedPrincipal);
            if (target != null) {
                builder.target(target);
            } else {
                builder.targetUrl(config.targetUrl);
            }
            if (config.eventVersion != null) {
                builder.eventVersion(config.eventVersion);
            }
            config.latticeOptions.forEach(option -> option.accept(builder));
            lattice = builder.build();
            if (config.functionDirectory != null) {
                LocalLambda.Builder lambda = LocalLambda.builder()
                        .functionDirectory(config.functionDirectory)
                        .handler(config.handler)
                        .region(lattice.region())
                        .environment(config.functionEnvironment);
                config.functionOptions.forEach(option -> option.accept(lambda));
                function = lambda.build();
                lambdaTarget = LambdaTarget.of(function, line -> System.err.println("local lattice: " + line));
                target.delegate = lambdaTarget;
            } else if (target != null) {
                target.delegate = config.target;
            }
            directory = Files.createTempDirectory("local-lattice-junit");
            Path pem = null;
            if (lattice.listener() == ListenerProtocol.HTTPS) {
                pem = directory.resolve("local-lattice.pem");
                lattice.certificate().writePem(pem);
            }
            return new Running(lattice, lambdaTarget, function, directory, pem);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException(
                    "Could not write the local Lattice's" + " certificate to a temporary directory", e);
            stop(new Running(lattice, lambdaTarget, function, directory, null), failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            stop(new Running(lattice, lambdaTarget, function, directory, null), e);
            throw e;
        }
    }

    /** Stops what a start created; failures are added to {@code failure} when there is one, else thrown. */
    private static void stop(Running running, Throwable failure) {
        List<Throwable> problems = new ArrayList<>();
        if (running.lattice() != null) {
            closeInto(running.lattice()::close, problems);
        }
        if (running.function() != null) {
            // Closing the function directly also covers a start that failed before the target wrapped it.
            closeInto(running.function()::close, problems);
        }
        if (running.directory() != null) {
            closeInto(() -> deleteTree(running.directory()), problems);
        }
        if (failure != null) {
            problems.forEach(failure::addSuppressed);
        } else if (!problems.isEmpty()) {
            IllegalStateException stopFailed =
                    new IllegalStateException("Could not stop the local Lattice cleanly", problems.get(0));
            problems.stream().skip(1).forEach(stopFailed::addSuppressed);
            throw stopFailed;
        }
    }

    private static void closeInto(Runnable close, List<Throwable> problems) {
        try {
            close.run();
        } catch (RuntimeException | Error e) {
            problems.add(e);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == URI.class
                || type == LocalCertificate.class
                || type == X509Certificate.class
                || type == AwsCredentialsProvider.class
                || type == LocalLattice.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running current = running;
        if (current == null) {
            throw new ParameterResolutionException("The local Lattice is not running when "
                    + parameterContext.getDeclaringExecutable() + " needs its "
                    + parameterContext.getParameter().getType().getSimpleName()
                    + ": register the LocalLatticeExtension in a static field to inject"
                    + " into constructors and @BeforeAll methods");
        }
        Class<?> type = parameterContext.getParameter().getType();
        if (type == URI.class) {
            return current.lattice().endpoint();
        }
        if (type == LocalCertificate.class) {
            return current.lattice().certificate();
        }
        if (type == X509Certificate.class) {
            return current.lattice().certificate().x509();
        }
        if (type == AwsCredentialsProvider.class) {
            return parameterContext.isAnnotated(DeniedPrincipal.class) ? deniedProvider : allowedProvider;
        }
        return current.lattice();
    }

    private Running running() {
        Running current = running;
        if (current == null) {
            throw new IllegalStateException("The local Lattice is not running: it runs from the registering class's"
                    + " first test (static @RegisterExtension field: from before its @BeforeAll methods) to its end;"
                    + " an instance field runs it per test method");
        }
        return current;
    }

    /**
     * The running local Lattice, for everything the other getters do not cover ({@code serviceArn()},
     * {@code port()}, ...).
     *
     * @return the local Lattice
     * @throws IllegalStateException if it is not running
     */
    public LocalLattice lattice() {
        return running().lattice();
    }

    /**
     * The URL clients call.
     *
     * @return {@code https://127.0.0.1:PORT} ({@code http://} for a plain HTTP listener)
     * @throws IllegalStateException if it is not running
     */
    public URI endpoint() {
        return running().lattice().endpoint();
    }

    /**
     * The region signatures must be scoped to.
     *
     * @return the region set with {@link Builder#region(String)}, by default {@code us-east-1}
     */
    public String region() {
        Running current = running;
        return current == null ? config.region : current.lattice().region();
    }

    /**
     * The server's self-signed certificate and the ways to trust it: {@link LocalCertificate#x509()} for the
     * library's {@code trustedCertificates(...)}, {@link LocalCertificate#trustManagers()} for an SDK HTTP client,
     * {@link LocalCertificate#sslContext()} for the JDK's {@code HttpClient}.
     *
     * @return the certificate, made once per JVM and set of host names and valid for a week
     * @throws IllegalStateException if it is not running, or its listener is plain HTTP
     */
    public LocalCertificate certificate() {
        return running().lattice().certificate();
    }

    /**
     * A PEM file of the certificate, for {@code trustedCertificates(Path)} or {@code curl --cacert}. It lives in a
     * temporary directory that is deleted when the local Lattice stops.
     *
     * @return the PEM file
     * @throws IllegalStateException if it is not running, or its listener is plain HTTP
     */
    public Path certificatePem() {
        Path pem = running().pem();
        if (pem == null) {
            throw new IllegalStateException("This local Lattice has an HTTP listener, which has no certificate");
        }
        return pem;
    }

    /**
     * Writes a PKCS12 trust store of the certificate next to {@link #certificatePem()} and returns the flags that
     * make another JVM (a function under test in {@link LocalLambda}, say) trust this server and nothing else.
     *
     * @return the {@code -Djavax.net.ssl.trustStore*} flags
     * @throws IllegalStateException if it is not running, or its listener is plain HTTP
     */
    public List<String> trustStoreJvmArguments() {
        Running current = running();
        return current.lattice()
                .certificate()
                .trustStoreJvmArguments(current.directory().resolve("truststore.p12"));
    }

    /**
     * Credentials of the allowed principal: temporary ones (access key id, secret and session token) that the local
     * Lattice verifies signatures with; the same for the extension's life.
     *
     * @return a provider of the allowed principal's credentials; usable before the start too
     */
    public AwsCredentialsProvider credentials() {
        return allowedProvider;
    }

    /**
     * Credentials of the denied principal: their signatures verify, and the auth policy refuses them with
     * {@code 403 AccessDeniedException} (under {@link AuthType#AWS_IAM}).
     *
     * @return a provider of the denied principal's credentials; usable before the start too
     */
    public AwsCredentialsProvider deniedCredentials() {
        return deniedProvider;
    }

    /**
     * The principal the auth policy allows, as events report it in {@code requestContext.identity.principal}.
     *
     * @return the principal ARN
     */
    public String allowedPrincipal() {
        return config.allowedPrincipal;
    }

    /**
     * The principal the local Lattice knows but the auth policy refuses.
     *
     * @return the principal ARN
     */
    public String deniedPrincipal() {
        return config.deniedPrincipal;
    }

    /**
     * The V2 events the target received since the current test began (the list is cleared before each test), as
     * Lattice sent them (copies: a target that edits its event does not change them). Requests refused by the
     * local Lattice (403, 404, 413 ...) never reach the target and are not here, and an HTTP target receives no
     * events. With tests of one class running in parallel, the list is shared by them.
     *
     * @return an immutable snapshot, in the order received
     */
    public List<VpcLatticeV2Request> receivedEvents() {
        return List.copyOf(received);
    }

    /**
     * The V1 events the target received since the current test began, with {@link Builder#eventVersion}
     * {@code V1}; otherwise as {@link #receivedEvents()}.
     *
     * @return an immutable snapshot, in the order received
     */
    public List<VpcLatticeV1Request> receivedV1Events() {
        return List.copyOf(receivedV1);
    }

    /**
     * The Lambda function behind the local Lattice, for its logs ({@link LocalLambda#logLines()}).
     *
     * @return the function given to {@link Builder#function(Path, String)}
     * @throws IllegalStateException if it is not running, or the target is an in-JVM {@link LatticeTarget}
     */
    public LocalLambda function() {
        LocalLambda function = running().function();
        if (function == null) {
            throw new IllegalStateException(
                    "This local Lattice forwards to an in-JVM target or an HTTP server, not a function");
        }
        return function;
    }

    /** Names the endpoint when running and the principals; never credentials. */
    @Override
    public String toString() {
        Running current = running;
        return "LocalLatticeExtension["
                + (current == null ? "not running" : current.lattice().endpoint()) + ", authType=" + config.authType
                + ", allowed=" + config.allowedPrincipal + "]";
    }

    private static AwsSessionCredentials generateCredentials() {
        return AwsSessionCredentials.create(
                "ASIA" + random(KEY_ID_CHARACTERS, 16),
                random(SECRET_CHARACTERS, 40),
                "local-lattice-" + random(SECRET_CHARACTERS, 100));
    }

    private static String random(char[] alphabet, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(chars);
    }

    /** The target the local Lattice is built with: records each event, then hands it to the real target. */
    private static final class DelegatingTarget implements LatticeTarget {
        private final List<VpcLatticeV2Request> received;
        private final List<VpcLatticeV1Request> receivedV1;
        private final VpcLatticeEventCodec codec;
        private final int maxConcurrency;
        private final boolean checksResponseSize;
        private final java.util.function.Predicate<EventVersion> supports;
        volatile LatticeTarget delegate;

        DelegatingTarget(
                List<VpcLatticeV2Request> received,
                List<VpcLatticeV1Request> receivedV1,
                VpcLatticeEventCodec codec,
                int maxConcurrency,
                boolean checksResponseSize,
                java.util.function.Predicate<EventVersion> supports) {
            this.received = received;
            this.receivedV1 = receivedV1;
            this.codec = codec;
            this.maxConcurrency = maxConcurrency;
            this.checksResponseSize = checksResponseSize;
            this.supports = supports;
        }

        @Override
        public boolean supports(EventVersion version) {
            return supports.test(version);
        }

        @Override
        public VpcLatticeV2Response invokeV1(VpcLatticeV1Request event) throws Exception {
            receivedV1.add(codec.readV1Request(codec.writeV1Request(event)));
            return delegate().invokeV1(event);
        }

        private LatticeTarget delegate() {
            LatticeTarget target = delegate;
            if (target == null) {
                throw new IllegalStateException("the local Lattice is still starting");
            }
            return target;
        }

        @Override
        public int maxConcurrency() {
            return maxConcurrency;
        }

        @Override
        public boolean checksResponseSize() {
            return checksResponseSize;
        }

        @Override
        public VpcLatticeV2Response invoke(VpcLatticeV2Request event) throws Exception {
            received.add(codec.readRequest(codec.writeRequest(event)));
            return delegate().invoke(event);
        }
    }

    /** Configures a {@link LocalLatticeExtension}. Not thread-safe. */
    public interface Builder {
        /**
         * Forwards every authorized request to an in-JVM target: a lambda expression taking the
         * {@link VpcLatticeV2Request} and returning a {@code VpcLatticeV2Response}, or any {@link LatticeTarget}.
         * One of this, {@link #function(Path, String)} and {@link #targetUrl(URI)} is required.
         *
         * @param target the target, called from several threads at once; the extension does not close it
         * @return this builder
         */
        Builder target(LatticeTarget target);

        /**
         * Forwards every authorized request to a Lambda function run from its SAM artifact directory in the real
         * Lambda Java runtime client ({@link LocalLambda}): one warm runtime for the class, started by the first
         * request, stopped with the local Lattice. One of this, {@link #target(LatticeTarget)} and
         * {@link #targetUrl(URI)} is required.
         *
         * @param functionDirectory the artifact directory as {@code sam build} writes it (classes at its root,
         *     {@code lib/*.jar}), e.g. {@code .aws-sam/build/OrdersFunction}; required
         * @param handler the handler as in the function's configuration, {@code package.Class} or
         *     {@code package.Class::method}; required
         * @return this builder
         */
        Builder function(Path functionDirectory, String handler);

        /**
         * Forwards every authorized request to a running HTTP server, as Lattice does for an instance, IP, ECS or EKS
         * target: the request itself, bodies streamed, with the headers Lattice adds ({@code x-amzn-lattice-identity}
         * naming the signer, {@code x-forwarded-for}, ...; see {@link LocalLattice.Builder#targetUrl(URI)}). The
         * server is yours to start before the class and stop after it. One of this, {@link #target(LatticeTarget)}
         * and {@link #function(Path, String)} is required.
         *
         * @param targetUrl {@code http://HOST:PORT}, e.g. {@code http://127.0.0.1:8080}; required
         * @return this builder
         * @throws IllegalArgumentException if it is not an {@code http} URL of a host and port only
         */
        Builder targetUrl(URI targetUrl);

        /**
         * The structure of the events the target or function receives, as the target group's
         * {@code LambdaEventStructureVersion} sets it. Lattice's own default is {@link EventVersion#V1}.
         *
         * @param eventVersion defaults to {@link EventVersion#V2}
         * @return this builder
         */
        Builder eventVersion(EventVersion eventVersion);

        /**
         * Sets an environment variable of the function (besides those Lambda sets). Repeatable.
         *
         * @param name the variable; required
         * @param value its value; required
         * @return this builder
         */
        Builder functionEnvironment(String name, String value);

        /**
         * Sets environment variables of the function (besides those Lambda sets), replacing earlier values of the
         * same names.
         *
         * @param environment the variables; required
         * @return this builder
         */
        Builder functionEnvironment(Map<String, String> environment);

        /**
         * Adjusts the function's {@link LocalLambda.Builder} after the extension's settings (directory, handler,
         * the local Lattice's region, environment): a timeout, memory size, JVM flags, log sink, Java home.
         * Repeatable, applied in order.
         *
         * @param options changes to the function's builder; required
         * @return this builder
         */
        Builder functionOptions(Consumer<LocalLambda.Builder> options);

        /**
         * The service's auth type.
         *
         * @param authType defaults to {@link AuthType#AWS_IAM}
         * @return this builder
         */
        Builder authType(AuthType authType);

        /**
         * The listener's protocol; a plain HTTP listener has no certificate to inject.
         *
         * @param listener defaults to {@link ListenerProtocol#HTTPS}
         * @return this builder
         */
        Builder listener(ListenerProtocol listener);

        /**
         * The region of the service, which signatures must be scoped to; the function's {@code AWS_REGION} too.
         *
         * @param region e.g. {@code eu-west-1}; defaults to {@code us-east-1}
         * @return this builder
         * @throws IllegalArgumentException if it does not look like a region
         */
        Builder region(String region);

        /**
         * The principal the auth policy allows; {@link LocalLatticeExtension#credentials()} sign as it.
         *
         * @param principalArn e.g. {@code arn:aws:sts::123456789012:assumed-role/orders-client/session}; defaults
         *     to {@link LocalLatticeExtension#DEFAULT_ALLOWED_PRINCIPAL}
         * @return this builder
         * @throws IllegalArgumentException if it is not an IAM principal ARN
         */
        Builder allowedPrincipal(String principalArn);

        /**
         * The principal the local Lattice knows but the auth policy refuses;
         * {@link LocalLatticeExtension#deniedCredentials()} sign as it.
         *
         * @param principalArn a principal ARN other than the allowed one; defaults to
         *     {@link LocalLatticeExtension#DEFAULT_DENIED_PRINCIPAL}
         * @return this builder
         * @throws IllegalArgumentException if it is not an IAM principal ARN
         */
        Builder deniedPrincipal(String principalArn);

        /**
         * Adjusts the {@link LocalLattice.Builder} after the extension's settings: more credentials and
         * {@code allow(...)} entries, {@code hostName}, {@code accessLog}, {@code clock},
         * {@code canonicalPathForm}, timeouts. Repeatable, applied in order. Set the target and region with this
         * builder's methods instead: a target set here bypasses {@link LocalLatticeExtension#receivedEvents()} and
         * the function.
         *
         * @param options changes to the local Lattice's builder; required
         * @return this builder
         */
        Builder latticeOptions(Consumer<LocalLattice.Builder> options);

        /**
         * Creates the extension; nothing starts until JUnit runs the class that registers it.
         *
         * @return the extension, to assign to a {@code @RegisterExtension} field
         * @throws IllegalStateException if not exactly one of a target, a function and a target URL is set, an event
         *     version is set for a target URL, or the two principals are the same
         */
        LocalLatticeExtension build();
    }

    private static final class DefaultBuilder implements Builder {
        private LatticeTarget target;
        private URI targetUrl;
        private EventVersion eventVersion;
        private Path functionDirectory;
        private String handler;
        private final Map<String, String> functionEnvironment = new LinkedHashMap<>();
        private final List<Consumer<LocalLambda.Builder>> functionOptions = new ArrayList<>();
        private AuthType authType = AuthType.AWS_IAM;
        private ListenerProtocol listener = ListenerProtocol.HTTPS;
        private String region = "us-east-1";
        private String allowedPrincipal = DEFAULT_ALLOWED_PRINCIPAL;
        private String deniedPrincipal = DEFAULT_DENIED_PRINCIPAL;
        private final List<Consumer<LocalLattice.Builder>> latticeOptions = new ArrayList<>();

        @Override
        public Builder target(LatticeTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        @Override
        public Builder function(Path functionDirectory, String handler) {
            this.functionDirectory = Objects.requireNonNull(functionDirectory, "functionDirectory");
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        @Override
        public Builder targetUrl(URI targetUrl) {
            // LocalLattice's builder owns the rule: checked now rather than when the class starts.
            LocalLattice.builder().targetUrl(targetUrl);
            this.targetUrl = targetUrl;
            return this;
        }

        @Override
        public Builder eventVersion(EventVersion eventVersion) {
            this.eventVersion = Objects.requireNonNull(eventVersion, "eventVersion");
            return this;
        }

        @Override
        public Builder functionEnvironment(String name, String value) {
            functionEnvironment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
            return this;
        }

        @Override
        public Builder functionEnvironment(Map<String, String> environment) {
            environment.forEach(this::functionEnvironment);
            return this;
        }

        @Override
        public Builder functionOptions(Consumer<LocalLambda.Builder> options) {
            functionOptions.add(Objects.requireNonNull(options, "options"));
            return this;
        }

        @Override
        public Builder authType(AuthType authType) {
            this.authType = Objects.requireNonNull(authType, "authType");
            return this;
        }

        @Override
        public Builder listener(ListenerProtocol listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        public Builder region(String region) {
            // LocalLattice's builder owns the rule: checked now rather than when the class starts.
            LocalLattice.builder().region(region);
            this.region = region;
            return this;
        }

        @Override
        public Builder allowedPrincipal(String principalArn) {
            this.allowedPrincipal = principal(principalArn, "allowedPrincipal");
            return this;
        }

        @Override
        public Builder deniedPrincipal(String principalArn) {
            this.deniedPrincipal = principal(principalArn, "deniedPrincipal");
            return this;
        }

        /** LocalLattice's rule for principals, checked now rather than when the class starts; '*' is not one. */
        private static String principal(String principalArn, String name) {
            Objects.requireNonNull(principalArn, name);
            if (principalArn.trim().equals("*")) {
                throw new IllegalArgumentException(name + " must be a principal ARN, not '*'");
            }
            return PrincipalArns.require(principalArn.trim(), name);
        }

        @Override
        public Builder latticeOptions(Consumer<LocalLattice.Builder> options) {
            latticeOptions.add(Objects.requireNonNull(options, "options"));
            return this;
        }

        @Override
        public LocalLatticeExtension build() {
            int targets = (target == null ? 0 : 1) + (functionDirectory == null ? 0 : 1) + (targetUrl == null ? 0 : 1);
            if (targets != 1) {
                throw new IllegalStateException("A LocalLatticeExtension needs one of target(...), function(...) and"
                        + " targetUrl(...)," + (targets == 0 ? " and has none" : " not more"));
            }
            if (targetUrl != null && eventVersion != null) {
                throw new IllegalStateException("eventVersion is for a target of Lambda events; an HTTP target at "
                        + targetUrl + " receives the request itself");
            }
            if (allowedPrincipal.equals(deniedPrincipal)) {
                throw new IllegalStateException(
                        "allowedPrincipal and deniedPrincipal must differ, both are '" + allowedPrincipal + "'");
            }
            return new LocalLatticeExtension(this);
        }

        DefaultBuilder copy() {
            DefaultBuilder copy = new DefaultBuilder();
            copy.target = target;
            copy.targetUrl = targetUrl;
            copy.eventVersion = eventVersion;
            copy.functionDirectory = functionDirectory;
            copy.handler = handler;
            copy.functionEnvironment.putAll(functionEnvironment);
            copy.functionOptions.addAll(functionOptions);
            copy.authType = authType;
            copy.listener = listener;
            copy.region = region;
            copy.allowedPrincipal = allowedPrincipal;
            copy.deniedPrincipal = deniedPrincipal;
            copy.latticeOptions.addAll(latticeOptions);
            return copy;
        }
    }
}
