package dev.vpclattice.local;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.contract.ListenerLimits;
import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.local.internal.CallerDetails;
import dev.vpclattice.local.internal.EventFactory;
import dev.vpclattice.local.internal.FrontEnd;
import dev.vpclattice.local.internal.HttpTargetProxy;
import dev.vpclattice.local.internal.LatticeExchangeHandler;
import dev.vpclattice.local.internal.LatticeResources;
import dev.vpclattice.local.internal.LocalCredential;
import dev.vpclattice.local.internal.PrincipalArns;
import dev.vpclattice.local.internal.SelfSignedCertificate;
import dev.vpclattice.local.internal.SigV4Verifier;
import dev.vpclattice.local.internal.TargetDispatcher;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A local VPC Lattice service: an HTTPS (or plain HTTP) server on loopback that authenticates callers as Lattice does
 * and forwards each request to one {@link LatticeTarget} as a V2 (or V1) event, or to a running HTTP server
 * ({@link Builder#targetUrl(URI)}) as the request itself, with the headers Lattice adds for HTTP targets.
 *
 * <p>{@link Builder#build()} starts it; {@link #close()} stops it. It listens on {@code 127.0.0.1} only (not
 * {@code ::1}); an HTTPS listener (the default) serves a self-signed certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, made once per JVM and set of {@link Builder#hostName(String) host names} and valid
 * for a week; see {@link #certificate()} to let clients trust it.
 *
 * <p>With {@link AuthType#AWS_IAM} (the default) every request must be signed with SigV4 for service
 * {@code vpc-lattice-svcs} in this service's region, with {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} signed, by one
 * of the configured credentials, and the signing principal must be allowed; otherwise the caller gets {@code 403} and
 * a text body in Lattice's format, such as {@code AccessDeniedException: User: anonymous is not authorized to perform:
 * vpc-lattice-svcs:Invoke on resource: arn:...:service/svc-.../path because no service-based policy allows the
 * vpc-lattice-svcs:Invoke action}. A signed request is verified under {@link AuthType#NONE} too, as Lattice does. For a
 * target of events, a request whose Lambda event would exceed 6 MB gets {@code 413} and a response over 6 MB becomes
 * {@code 502}; an HTTP target's bodies stream through, with no such limit.
 *
 * <pre>{@code
 * try (LocalLattice lattice = LocalLattice.builder()
 *         .credential("AKIDEXAMPLE", "secret", "arn:aws:iam::123456789012:user/alice")
 *         .target(event -> VpcLatticeV2Response.builder().statusCode(200).body("hello").build())
 *         .build()) {
 *     URI endpoint = lattice.endpoint(); // https://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * <p>The target is not closed by {@link #close()}: whoever created it owns it.
 */
public final class LocalLattice implements AutoCloseable {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    /** How long a connection may carry no bytes at all (between requests, or while a client stalls): Lattice's. */
    private static final Duration IDLE_TIMEOUT = ListenerLimits.IDLE_TIMEOUT;

    private final FrontEnd server;
    private final TargetDispatcher dispatcher;
    private final LocalCertificate certificate;
    private final LatticeResources resources;
    private final AuthType authType;
    private final ListenerProtocol listener;

    private LocalLattice(DefaultBuilder builder) {
        this.authType = builder.authType;
        this.listener = builder.listener;
        this.resources = LatticeResources.of(builder.region, builder.accountId);
        Map<String, LocalCredential> credentials = new LinkedHashMap<>();
        for (LocalCredential credential : builder.credentials) {
            String principal = credential.principalArn().isEmpty()
                    ? defaultPrincipal(builder.accountId)
                    : credential.principalArn();
            credentials.put(
                    credential.accessKeyId(),
                    new LocalCredential(
                            credential.accessKeyId(),
                            credential.secretAccessKey(),
                            credential.sessionToken(),
                            principal));
        }
        // The first certificate of a JVM comes from a keytool process: it runs while this JVM starts the server.
        CompletableFuture<SelfSignedCertificate> selfSigned = new CompletableFuture<>();
        if (listener == ListenerProtocol.HTTPS) {
            startCertificate(selfSigned, List.copyOf(builder.hostNames));
        }
        SigV4Verifier verifier = new SigV4Verifier(builder.region, credentials, builder.clock, builder.pathForm);
        Set<String> hostNames = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        hostNames.addAll(builder.hostNames);
        CallerDetails callers = new CallerDetails(
                builder.principalOrgId, builder.principalOrgPath, builder.principalTags, builder.x509Fields);
        EventFactory events = new EventFactory(resources, callers);
        HttpTargetProxy httpTarget = builder.targetUrl == null
                ? null
                : new HttpTargetProxy(
                        builder.targetUrl,
                        builder.targetIdleTimeout,
                        LatticeTarget.DEFAULT_MAX_CONCURRENCY,
                        builder.maxQueuedRequests,
                        resources,
                        callers,
                        listener);
        this.dispatcher = builder.target == null
                ? null
                : new TargetDispatcher(
                        builder.target.maxConcurrency(), builder.maxQueuedRequests, "local-lattice-target");
        this.server = FrontEnd.start(
                builder.port,
                listener == ListenerProtocol.HTTPS ? () -> join(selfSigned).sslContext() : null,
                builder.headerTimeout,
                IDLE_TIMEOUT.compareTo(builder.bodyTimeout) > 0 ? IDLE_TIMEOUT : builder.bodyTimeout,
                port -> new LatticeExchangeHandler(new LatticeExchangeHandler.Config(
                        builder.authType,
                        verifier,
                        builder.pathForm,
                        builder.allowed,
                        events,
                        builder.eventVersion,
                        new VpcLatticeEventCodec(),
                        builder.target,
                        builder.target != null && !builder.target.checksResponseSize(),
                        dispatcher,
                        httpTarget,
                        resources.serviceArn(),
                        builder.clock,
                        builder.accessLog,
                        hostNames,
                        listener,
                        port,
                        builder.bodyTimeout)));
        if (listener == ListenerProtocol.HTTPS) {
            SelfSignedCertificate generated = join(selfSigned);
            this.certificate = new LocalCertificate(generated.certificate(), generated.pem());
        } else {
            this.certificate = null;
        }
    }

    /** Generates the certificate on its own thread, to overlap with the server's start. */
    private static void startCertificate(CompletableFuture<SelfSignedCertificate> selfSigned, List<String> names) {
        Thread generator = new Thread(
                () -> {
                    try {
                        selfSigned.complete(SelfSignedCertificate.shared(names));
                    } catch (Throwable e) {
                        selfSigned.completeExceptionally(e);
                    }
                },
                "local-lattice-certificate");
        generator.setDaemon(true);
        generator.start();
    }

    private static SelfSignedCertificate join(CompletableFuture<SelfSignedCertificate> certificate) {
        try {
            return certificate.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(
                    "Could not create the self-signed certificate: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Starts configuring a local Lattice.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new DefaultBuilder();
    }

    /**
     * The base URL clients call. It names the IPv4 loopback address the server listens on rather than
     * {@code localhost}, which a resolver may map to {@code ::1} first, where nothing listens.
     *
     * @return {@code https://127.0.0.1:PORT}, or {@code http://127.0.0.1:PORT} for an HTTP listener
     */
    public URI endpoint() {
        return URI.create(listener.scheme() + "://127.0.0.1:" + port());
    }

    /**
     * The port the server listens on, on {@code 127.0.0.1}.
     *
     * @return the actual port (never 0)
     */
    public int port() {
        return server.port();
    }

    /**
     * The server's self-signed certificate and the ways to make a client trust it (PEM, per-client trust managers,
     * a TLS context, a trust store for another JVM).
     *
     * @return the certificate, valid for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and any
     *     {@link Builder#hostName(String) host names}
     * @throws IllegalStateException if the listener is plain HTTP, which has no certificate
     */
    public LocalCertificate certificate() {
        if (certificate == null) {
            throw new IllegalStateException("This local Lattice has an HTTP listener, which has no certificate");
        }
        return certificate;
    }

    /**
     * The ARN of the emulated service, as reported in events and denial messages.
     *
     * @return {@code arn:aws:vpc-lattice:REGION:ACCOUNT:service/svc-0123456789abcdef0}
     */
    public String serviceArn() {
        return resources.serviceArn();
    }

    /**
     * The region the service is in, which signatures must be scoped to.
     *
     * @return the region, e.g. {@code us-east-1}
     */
    public String region() {
        return resources.region();
    }

    /**
     * The service's auth type.
     *
     * @return the auth type
     */
    public AuthType authType() {
        return authType;
    }

    /**
     * The listener's protocol.
     *
     * @return {@link ListenerProtocol#HTTPS} unless the builder chose plain HTTP
     */
    public ListenerProtocol listener() {
        return listener;
    }

    /**
     * Stops listening at once, drops the requests waiting for the target and ends in-flight exchanges. Does not close
     * the target. Idempotent.
     */
    @Override
    public void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        server.close();
    }

    /** How many authorized requests wait for the target, for tests that must know a request is queued. */
    int queuedRequests() {
        return dispatcher == null ? 0 : dispatcher.queued();
    }

    static String defaultPrincipal(String accountId) {
        return "arn:aws:iam::" + accountId + ":user/local-user";
    }

    /**
     * Checks an HTTP target's URL: {@code http://HOST:PORT}, nothing else.
     *
     * @param url the URL; required
     * @return the URL with its port made explicit
     * @throws IllegalArgumentException if it is not an {@code http} URL with a host, or has a path, query, fragment
     *     or user info
     */
    static URI httpTargetUrl(URI url) {
        Objects.requireNonNull(url, "targetUrl");
        if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("http")) {
            throw new IllegalArgumentException("targetUrl must be an http:// URL such as http://127.0.0.1:8080, not '"
                    + url + "' (HTTPS target groups are not emulated)");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "targetUrl must name a host and port and no user info, such as http://127.0.0.1:8080");
        }
        String path = url.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/"))
                || url.getRawQuery() != null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException("targetUrl must be http://HOST:PORT with no path, query or fragment:"
                    + " a target receives the request's own path, not '" + url + "'");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String host = url.getHost();
        return URI.create(
                "http://" + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
    }

    /** Configures and starts a {@link LocalLattice}. Not thread-safe. */
    public interface Builder {
        /** The default bound of {@link #maxQueuedRequests(int)}. */
        int DEFAULT_MAX_QUEUED_REQUESTS = 128;

        /**
         * The port to listen on, on {@code 127.0.0.1}.
         *
         * @param port 0 (the default) picks a free port; else 1..65535
         * @return this builder
         */
        Builder port(int port);

        /**
         * The listener's protocol. Both verify SigV4 the same way; a plain HTTP listener has no certificate.
         *
         * @param listener defaults to {@link ListenerProtocol#HTTPS}
         * @return this builder
         */
        Builder listener(ListenerProtocol listener);

        /**
         * Adds a host name the service answers to, besides {@code localhost}, {@code 127.0.0.1} and {@code [::1]}
         * (always with this server's port), e.g. a DNS name mapped to 127.0.0.1 that clients sign for. The
         * certificate covers it too. Repeatable. A request whose {@code Host} is not served gets {@code 404}
         * {@code NotFoundException}, as a host with no service behind it.
         *
         * @param hostName a DNS name such as {@code orders.lattice.test}; required; default none
         * @return this builder
         * @throws IllegalArgumentException if it is not a DNS name
         */
        Builder hostName(String hostName);

        /**
         * The region of the service: signatures must be scoped to it, and events report it.
         *
         * @param region e.g. {@code eu-west-1}; defaults to {@code us-east-1}
         * @return this builder
         */
        Builder region(String region);

        /**
         * The account id in every ARN of the events.
         *
         * @param accountId 12 digits; defaults to {@code 123456789012}
         * @return this builder
         */
        Builder accountId(String accountId);

        /**
         * The service's auth type.
         *
         * @param authType defaults to {@link AuthType#AWS_IAM}
         * @return this builder
         */
        Builder authType(AuthType authType);

        /**
         * Trusts a long-term credential. Repeatable, each with its own access key id.
         *
         * @param accessKeyId the access key id; required
         * @param secretAccessKey the secret key; required; never logged
         * @param principalArn the principal the caller authenticates as, an IAM user, role or root or an STS
         *     assumed-role session, e.g. {@code arn:aws:sts::123456789012:assumed-role/role/session}; null means
         *     {@code arn:aws:iam::ACCOUNT:user/local-user}
         * @return this builder
         * @throws IllegalArgumentException if the access key id is already trusted or the principal is not an IAM
         *     principal ARN
         */
        Builder credential(String accessKeyId, String secretAccessKey, String principalArn);

        /**
         * Trusts temporary credentials: callers must also send and sign {@code x-amz-security-token} equal to
         * {@code sessionToken}. Repeatable.
         *
         * @param accessKeyId the access key id; required
         * @param secretAccessKey the secret key; required; never logged
         * @param sessionToken the session token; null makes this a long-term credential; never logged
         * @param principalArn as for {@link #credential(String, String, String)}
         * @return this builder
         * @throws IllegalArgumentException as {@link #credential(String, String, String)} does
         */
        Builder sessionCredential(String accessKeyId, String secretAccessKey, String sessionToken, String principalArn);

        /**
         * Adds a principal to the auth policy. Repeatable. With no principal allowed (the default) any authenticated
         * principal may invoke; {@code *} also admits unauthenticated callers (as an auth policy with
         * {@code "Principal": "*"} does).
         *
         * @param principalArn the principal ARN, exactly as configured with the credential, or {@code *}
         * @return this builder
         * @throws IllegalArgumentException if it is neither {@code *} nor an IAM principal ARN
         */
        Builder allow(String principalArn);

        /**
         * The organization id reported as {@code principalOrgID} for authenticated callers (and {@code PrincipalOrgID}
         * in an HTTP target's {@code x-amzn-lattice-identity}).
         *
         * @param principalOrgId e.g. {@code o-abc123}; defaults to none (the field is left out)
         * @return this builder
         */
        Builder principalOrgId(String principalOrgId);

        /**
         * The organization path reported as {@code PrincipalOrgPath} in an HTTP target's
         * {@code x-amzn-lattice-identity} (and {@code principalorgpath} in its tags header) for authenticated callers.
         * A V2 event has no such field.
         *
         * @param principalOrgPath e.g. {@code o-abc123/r-ab12/ou-ab12-11111111/}; defaults to none (left out)
         * @return this builder
         */
        Builder principalOrgPath(String principalOrgPath);

        /**
         * The principal tags Lattice reports for a principal: an HTTP target receives them in
         * {@code x-amzn-lattice-identity-tags}, sent only for principals that have tags. Repeatable; a later call for
         * the same principal adds to its tags.
         *
         * @param principalArn the principal, as configured with its credential; required
         * @param tags tag key to value; required; keys must be non-blank, hold neither {@code ;} nor {@code =}, and
         *     not be one of the header's own keys ({@code principal}, {@code principalorgid},
         *     {@code principalorgpath}); a {@code ;} in a value is sent escaped as {@code \;}
         * @return this builder
         * @throws IllegalArgumentException if the principal is not an IAM principal ARN or a key is not allowed
         */
        Builder principalTags(String principalArn, Map<String, String> tags);

        /**
         * The IAM Roles Anywhere certificate fields Lattice reports for a principal: in an HTTP target's
         * {@code x-amzn-lattice-identity} and a V2 event's identity ({@code x509SubjectCn} ...). Repeatable.
         *
         * @param principalArn the principal, as configured with its credential; required
         * @param fields field to value, keyed by {@link LatticeHeaders#KEY_X509_ISSUER_OU},
         *     {@link LatticeHeaders#KEY_X509_SAN_DNS}, {@link LatticeHeaders#KEY_X509_SAN_NAME_CN},
         *     {@link LatticeHeaders#KEY_X509_SAN_URI} or {@link LatticeHeaders#KEY_X509_SUBJECT_CN}; required
         * @return this builder
         * @throws IllegalArgumentException if the principal is not an IAM principal ARN or a key is not one of those
         */
        Builder x509Fields(String principalArn, Map<String, String> fields);

        /**
         * Where to send one line per request: method, path without query, status, principal and duration. Never
         * contains headers, signatures or credentials.
         *
         * @param accessLog the sink; defaults to discarding the lines
         * @return this builder
         */
        Builder accessLog(Consumer<String> accessLog);

        /**
         * The one form the request path takes in the signatures this service accepts. A signature in the other form
         * gets {@code 403 InvalidSignatureException} naming the expected form.
         *
         * @param pathForm defaults to {@link CanonicalPathForm#DOUBLE_ENCODED}, the AWS SDK's form
         * @return this builder
         */
        Builder canonicalPathForm(CanonicalPathForm pathForm);

        /**
         * The longest time a client may take to deliver a request's headers, counted from the connection's opening
         * (the TLS handshake included) or from the first byte of a later request on the same connection. A client
         * that takes longer is disconnected without an answer.
         *
         * @param headerTimeout positive; defaults to 10 seconds
         * @return this builder
         */
        Builder headerTimeout(Duration headerTimeout);

        /**
         * The longest time an authorized client may take to send its request body once the headers arrived, for a
         * target of events (which needs the whole body first). A client that takes longer gets {@code 408} and is
         * disconnected; the target is not invoked. An HTTP target's body streams instead: a client that sends nothing
         * for the listener's idle timeout (60 s) gets {@code 408}.
         *
         * @param bodyTimeout positive; defaults to 30 seconds
         * @return this builder
         */
        Builder bodyTimeout(Duration bodyTimeout);

        /**
         * How many authorized requests may wait while the target is busy with {@link LatticeTarget#maxConcurrency()}
         * others. A waiting request holds no server thread, and one whose client has gone is dropped before it would
         * run. Beyond the bound a caller gets {@code 429 TooManyRequestsException}.
         *
         * @param maxQueuedRequests at least 0; defaults to {@value #DEFAULT_MAX_QUEUED_REQUESTS}
         * @return this builder
         */
        Builder maxQueuedRequests(int maxQueuedRequests);

        /**
         * The clock for the signature date check and {@code timeEpoch}.
         *
         * @param clock defaults to {@link Clock#systemUTC()}
         * @return this builder
         */
        Builder clock(Clock clock);

        /**
         * The target that receives every authorized request as a Lambda event. This or {@link #targetUrl(URI)} is
         * required.
         *
         * @param target the target, thread-safe
         * @return this builder
         */
        Builder target(LatticeTarget target);

        /**
         * Fronts a running HTTP server, as a target group of type {@code INSTANCE}, {@code IP}, {@code ALB} or an ECS
         * or EKS service does: the server receives each authorized request itself, its body streamed, without
         * hop-by-hop headers and client-sent {@code x-amzn-lattice-*} headers, with {@code x-forwarded-for},
         * {@code x-forwarded-port}, {@code x-forwarded-proto}, {@code x-amzn-lattice-identity} (for an authenticated
         * caller), {@code x-amzn-lattice-identity-tags} (when it has tags), {@code x-amzn-lattice-network},
         * {@code x-amzn-lattice-target} and {@code x-amzn-requestid}. This or {@link #target(LatticeTarget)} is
         * required.
         *
         * @param targetUrl {@code http://HOST:PORT}, e.g. {@code http://127.0.0.1:8080}; no path, query or user info
         * @return this builder
         * @throws IllegalArgumentException if it is not such a URL
         */
        Builder targetUrl(URI targetUrl);

        /**
         * How long an HTTP target may send nothing, while it works on a request or on an idle kept-alive connection.
         * A target silent that long before its answer's head gets the client {@code 504}; after it, the client's
         * connection is closed.
         *
         * @param targetIdleTimeout positive; defaults to Lattice's idle timeout, 60 seconds
         * @return this builder
         */
        Builder targetIdleTimeout(Duration targetIdleTimeout);

        /**
         * The structure of the Lambda event the target receives, as the target group's
         * {@code LambdaEventStructureVersion} sets it. Lattice's own default is {@link EventVersion#V1}; this one's is
         * V2, as this project's template sets.
         *
         * @param eventVersion defaults to {@link EventVersion#V2}
         * @return this builder
         */
        Builder eventVersion(EventVersion eventVersion);

        /**
         * Starts the server.
         *
         * @return the running local Lattice
         * @throws IllegalStateException if neither or both of a target and a target URL are set, the target does not
         *     take events of the version set, or an event version is set for a target URL
         * @throws UncheckedIOException if the port cannot be bound
         */
        LocalLattice build();
    }

    private static final class DefaultBuilder implements Builder {
        private int port;
        private ListenerProtocol listener = ListenerProtocol.HTTPS;
        private String region = "us-east-1";
        private String accountId = "123456789012";
        private AuthType authType = AuthType.AWS_IAM;
        private final List<LocalCredential> credentials = new ArrayList<>();
        private final Set<String> allowed = new LinkedHashSet<>();
        private String principalOrgId;
        private Consumer<String> accessLog = line -> {};
        private Clock clock = Clock.systemUTC();
        private LatticeTarget target;
        private URI targetUrl;
        private Duration targetIdleTimeout = ListenerLimits.IDLE_TIMEOUT;
        private EventVersion eventVersion = EventVersion.V2;
        private boolean eventVersionSet;
        private String principalOrgPath;
        private final Map<String, Map<String, String>> principalTags = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> x509Fields = new LinkedHashMap<>();
        private final Set<String> hostNames = new LinkedHashSet<>();
        private CanonicalPathForm pathForm = CanonicalPathForm.DOUBLE_ENCODED;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private int maxQueuedRequests = DEFAULT_MAX_QUEUED_REQUESTS;

        @Override
        public Builder maxQueuedRequests(int maxQueuedRequests) {
            if (maxQueuedRequests < 0) {
                throw new IllegalArgumentException("maxQueuedRequests must be 0 or more, not " + maxQueuedRequests);
            }
            this.maxQueuedRequests = maxQueuedRequests;
            return this;
        }

        @Override
        public Builder canonicalPathForm(CanonicalPathForm pathForm) {
            this.pathForm = Objects.requireNonNull(pathForm, "pathForm");
            return this;
        }

        @Override
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = positive(headerTimeout, "headerTimeout");
            return this;
        }

        @Override
        public Builder bodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = positive(bodyTimeout, "bodyTimeout");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + value);
            }
            return value;
        }

        @Override
        public Builder hostName(String hostName) {
            Objects.requireNonNull(hostName, "hostName");
            String name = hostName.trim().toLowerCase(Locale.ROOT);
            if (!HOST_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "hostName must be a DNS name like orders.lattice.test, not '" + hostName + "'");
            }
            hostNames.add(name);
            return this;
        }

        @Override
        public Builder listener(ListenerProtocol listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any) or 1..65535, not " + port);
            }
            this.port = port;
            return this;
        }

        @Override
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must look like us-east-1, not '" + region + "'");
            }
            this.region = region;
            return this;
        }

        @Override
        public Builder accountId(String accountId) {
            Objects.requireNonNull(accountId, "accountId");
            if (!ACCOUNT_ID.matcher(accountId).matches()) {
                throw new IllegalArgumentException("accountId must be 12 digits, not '" + accountId + "'");
            }
            this.accountId = accountId;
            return this;
        }

        @Override
        public Builder authType(AuthType authType) {
            this.authType = Objects.requireNonNull(authType, "authType");
            return this;
        }

        @Override
        public Builder credential(String accessKeyId, String secretAccessKey, String principalArn) {
            return sessionCredential(accessKeyId, secretAccessKey, null, principalArn);
        }

        @Override
        public Builder sessionCredential(
                String accessKeyId, String secretAccessKey, String sessionToken, String principalArn) {
            // The principal is resolved at build(), when the account id is final.
            LocalCredential credential = new LocalCredential(
                    accessKeyId,
                    secretAccessKey,
                    sessionToken == null || sessionToken.isEmpty() ? null : sessionToken,
                    principalArn == null ? "" : principalArn);
            if (principalArn != null) {
                PrincipalArns.require(principalArn, "the principal of access key '" + accessKeyId + "'");
            }
            if (credentials.stream().anyMatch(c -> c.accessKeyId().equals(accessKeyId))) {
                throw new IllegalArgumentException("access key '" + accessKeyId + "' is already trusted: each"
                        + " credential needs an access key id of its own");
            }
            credentials.add(credential);
            return this;
        }

        @Override
        public Builder allow(String principalArn) {
            Objects.requireNonNull(principalArn, "principalArn");
            if (principalArn.isBlank()) {
                throw new IllegalArgumentException("allow needs a principal ARN or '*', not a blank string");
            }
            String principal = principalArn.trim();
            if (!principal.equals("*")) {
                PrincipalArns.require(principal, "allow");
            }
            allowed.add(principal);
            return this;
        }

        @Override
        public Builder principalOrgId(String principalOrgId) {
            this.principalOrgId = principalOrgId;
            return this;
        }

        @Override
        public Builder accessLog(Consumer<String> accessLog) {
            this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
            return this;
        }

        @Override
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        @Override
        public Builder target(LatticeTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        @Override
        public Builder principalOrgPath(String principalOrgPath) {
            this.principalOrgPath = principalOrgPath;
            return this;
        }

        @Override
        public Builder principalTags(String principalArn, Map<String, String> tags) {
            String principal = PrincipalArns.require(
                    Objects.requireNonNull(principalArn, "principalArn").trim(), "principalTags");
            Objects.requireNonNull(tags, "tags");
            Map<String, String> checked = new LinkedHashMap<>();
            tags.forEach((key, value) -> {
                Objects.requireNonNull(key, "tag key");
                Objects.requireNonNull(value, "the value of tag '" + key + "'");
                if (key.isBlank() || key.indexOf(';') >= 0 || key.indexOf('=') >= 0) {
                    throw new IllegalArgumentException(
                            "a principal tag key must be non-blank and hold neither ';' nor '=', not '" + key + "'");
                }
                if (List.of(
                                LatticeHeaders.TAGS_KEY_PRINCIPAL,
                                LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_ID,
                                LatticeHeaders.TAGS_KEY_PRINCIPAL_ORG_PATH)
                        .contains(key.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(
                            "'" + key + "' is a key of x-amzn-lattice-identity-tags itself," + " not a tag key");
                }
                checked.put(key, value);
            });
            principalTags.computeIfAbsent(principal, p -> new LinkedHashMap<>()).putAll(checked);
            return this;
        }

        @Override
        public Builder x509Fields(String principalArn, Map<String, String> fields) {
            String principal = PrincipalArns.require(
                    Objects.requireNonNull(principalArn, "principalArn").trim(), "x509Fields");
            Objects.requireNonNull(fields, "fields");
            Map<String, String> checked = new LinkedHashMap<>();
            fields.forEach((key, value) -> {
                if (!CallerDetails.X509_KEYS.contains(key)) {
                    throw new IllegalArgumentException(
                            "an X.509 field must be one of " + CallerDetails.X509_KEYS + ", not '" + key + "'");
                }
                checked.put(key, Objects.requireNonNull(value, key));
            });
            x509Fields.computeIfAbsent(principal, p -> new LinkedHashMap<>()).putAll(checked);
            return this;
        }

        @Override
        public Builder targetUrl(URI targetUrl) {
            this.targetUrl = httpTargetUrl(targetUrl);
            return this;
        }

        @Override
        public Builder targetIdleTimeout(Duration targetIdleTimeout) {
            this.targetIdleTimeout = positive(targetIdleTimeout, "targetIdleTimeout");
            return this;
        }

        @Override
        public Builder eventVersion(EventVersion eventVersion) {
            this.eventVersion = Objects.requireNonNull(eventVersion, "eventVersion");
            this.eventVersionSet = true;
            return this;
        }

        @Override
        public LocalLattice build() {
            if ((target == null) == (targetUrl == null)) {
                throw new IllegalStateException("A LocalLattice needs one target: call target(...) (events) or"
                        + " targetUrl(...) (an HTTP server) before build()" + (target == null ? "" : ", not both"));
            }
            if (targetUrl != null && eventVersionSet) {
                throw new IllegalStateException("eventVersion is for a target of Lambda events; an HTTP target at "
                        + targetUrl + " receives the request itself");
            }
            if (target != null && !target.supports(eventVersion)) {
                throw new IllegalStateException("The target does not take " + eventVersion + " events: set the"
                        + " eventVersion it takes (the target group's " + EventVersion.SETTING + ")");
            }
            return new LocalLattice(this);
        }
    }
}
