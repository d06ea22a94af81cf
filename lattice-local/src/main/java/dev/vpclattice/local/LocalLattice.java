package dev.vpclattice.local;

import dev.vpclattice.events.VpcLatticeEventCodec;
import dev.vpclattice.local.internal.EventFactory;
import dev.vpclattice.local.internal.FrontEnd;
import dev.vpclattice.local.internal.LatticeExchangeHandler;
import dev.vpclattice.local.internal.LatticeResources;
import dev.vpclattice.local.internal.LocalCredential;
import dev.vpclattice.local.internal.SelfSignedCertificate;
import dev.vpclattice.local.internal.SigV4Verifier;
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
 * and forwards each request to one {@link LatticeTarget} as a V2 event.
 *
 * <p>{@link Builder#build()} starts it; {@link #close()} stops it. It listens on {@code 127.0.0.1} only (not
 * {@code ::1}); an HTTPS listener (the default) serves a fresh self-signed certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}; see {@link #certificate()} to let clients trust it.
 *
 * <p>With {@link AuthType#AWS_IAM} (the default) every request must be signed with SigV4 for service
 * {@code vpc-lattice-svcs} in this service's region, with {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} signed, by one
 * of the configured credentials, and the signing principal must be allowed; otherwise the caller gets {@code 403} and
 * a text body in Lattice's format, such as {@code AccessDeniedException: User: anonymous is not authorized to perform:
 * vpc-lattice-svcs:Invoke on resource: arn:...:service/svc-.../path because no service-based policy allows the
 * vpc-lattice-svcs:Invoke action}. A signed request is verified under {@link AuthType#NONE} too, as Lattice does. A
 * request whose Lambda event would exceed 6 MB gets {@code 413}; a response over 6 MB becomes {@code 502}.
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
    /** How long a connection may carry no bytes at all (between requests, or while a client stalls). */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final FrontEnd server;
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
        // Generating the key pair and certificate (BouncyCastle) and loading the HTTP server's classes take about the
        // same time and need nothing from each other: on two cores, doing them at once halves the wait for build().
        CompletableFuture<SelfSignedCertificate> selfSigned = new CompletableFuture<>();
        if (listener == ListenerProtocol.HTTPS) {
            startCertificate(selfSigned, List.copyOf(builder.hostNames));
        }
        SigV4Verifier verifier = new SigV4Verifier(builder.region, credentials, builder.clock, builder.pathForm);
        Set<String> hostNames = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        hostNames.addAll(builder.hostNames);
        EventFactory events = new EventFactory(resources, builder.principalOrgId);
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
                        new VpcLatticeEventCodec(),
                        builder.target,
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
                        selfSigned.complete(SelfSignedCertificate.generate(names));
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

    /** Stops listening at once and ends in-flight exchanges. Does not close the target. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    static String defaultPrincipal(String accountId) {
        return "arn:aws:iam::" + accountId + ":user/local-user";
    }

    /** Configures and starts a {@link LocalLattice}. Not thread-safe. */
    public interface Builder {
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
         * Trusts a long-term credential. Repeatable; a later credential with the same access key id replaces the
         * earlier one.
         *
         * @param accessKeyId the access key id; required
         * @param secretAccessKey the secret key; required; never logged
         * @param principalArn the principal the caller authenticates as, e.g.
         *     {@code arn:aws:sts::123456789012:assumed-role/role/session}; null means
         *     {@code arn:aws:iam::ACCOUNT:user/local-user}
         * @return this builder
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
         */
        Builder sessionCredential(String accessKeyId, String secretAccessKey, String sessionToken, String principalArn);

        /**
         * Adds a principal to the auth policy. Repeatable. With no principal allowed (the default) any authenticated
         * principal may invoke; {@code *} also admits unauthenticated callers (as an auth policy with
         * {@code "Principal": "*"} does).
         *
         * @param principalArn the principal ARN, exactly as configured with the credential, or {@code *}
         * @return this builder
         */
        Builder allow(String principalArn);

        /**
         * The organization id reported as {@code principalOrgID} for authenticated callers.
         *
         * @param principalOrgId e.g. {@code o-abc123}; defaults to none (the field is left out)
         * @return this builder
         */
        Builder principalOrgId(String principalOrgId);

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
         * The longest time an authorized client may take to send its request body once the headers arrived. A
         * client that takes longer gets {@code 408} and is disconnected; the target is not invoked.
         *
         * @param bodyTimeout positive; defaults to 30 seconds
         * @return this builder
         */
        Builder bodyTimeout(Duration bodyTimeout);

        /**
         * The clock for the signature date check and {@code timeEpoch}.
         *
         * @param clock defaults to {@link Clock#systemUTC()}
         * @return this builder
         */
        Builder clock(Clock clock);

        /**
         * The target that receives every authorized request. Required.
         *
         * @param target the target, thread-safe
         * @return this builder
         */
        Builder target(LatticeTarget target);

        /**
         * Starts the server.
         *
         * @return the running local Lattice
         * @throws IllegalStateException if no target is set
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
        private final Set<String> hostNames = new LinkedHashSet<>();
        private CanonicalPathForm pathForm = CanonicalPathForm.DOUBLE_ENCODED;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);

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
            credentials.removeIf(c -> c.accessKeyId().equals(accessKeyId));
            credentials.add(credential);
            return this;
        }

        @Override
        public Builder allow(String principalArn) {
            Objects.requireNonNull(principalArn, "principalArn");
            if (principalArn.isBlank()) {
                throw new IllegalArgumentException("allow needs a principal ARN or '*', not a blank string");
            }
            allowed.add(principalArn.trim());
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
        public LocalLattice build() {
            if (target == null) {
                throw new IllegalStateException("A LocalLattice needs a target: call target(...) before build()");
            }
            return new LocalLattice(this);
        }
    }
}
