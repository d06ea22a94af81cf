package dev.vpclattice.local.cli;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.CanonicalPathForm;
import dev.vpclattice.local.LambdaTarget;
import dev.vpclattice.local.ListenerProtocol;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.LocalLattice;
import dev.vpclattice.local.internal.SigV4Verifier;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code lattice-local serve}: a local VPC Lattice in front of a function or a running HTTP server, until the process
 * is stopped.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = LatticeLocalCommand.Version.class,
        sortOptions = false,
        description = {
            "An HTTPS server on 127.0.0.1 playing VPC Lattice for one service whose target is either a function"
                    + " (--function-dir with --handler), run in the real Lambda Java runtime client (one warm runtime,"
                    + " restarted if it dies or times out), or a running HTTP server (--target-url).",
            "It prints the URL it listens on, then one access-log line per request on stderr."
        })
final class ServeCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> processEnvironment;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--target-url",
            paramLabel = "URL",
            description = "front a running HTTP server instead of a function, e.g. http://127.0.0.1:8080: it receives"
                    + " each request itself, bodies streamed, with the headers Lattice adds for HTTP targets")
    URI targetUrl;

    @Option(
            names = "--target-idle-timeout",
            paramLabel = "SECONDS",
            description = "how long the HTTP target may send nothing before the caller gets 504 (default: 60, Lattice's"
                    + " idle timeout)")
    Integer targetIdleTimeoutSeconds;

    @Option(
            names = "--event-version",
            paramLabel = "V",
            converter = EventVersionConverter.class,
            description = "the Lambda event the function receives, as the target group's LambdaEventStructureVersion"
                    + " sets it: V2 (default here, as this project's template sets it) or V1 (Lattice's own default)")
    EventVersion eventVersion;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "0",
            description = "port to listen on; 0 (default) picks a free one")
    int port;

    @Option(
            names = "--listener",
            paramLabel = "P",
            defaultValue = "https",
            converter = ListenerConverter.class,
            description = "https (default, a self-signed certificate) or http (plain, no certificate); SigV4 is"
                    + " verified the same way on both")
    ListenerProtocol listener;

    @Option(
            names = "--auth-type",
            paramLabel = "T",
            defaultValue = "AWS_IAM",
            converter = AuthTypeConverter.class,
            description = "AWS_IAM (default): SigV4 for vpc-lattice-svcs required; NONE: no auth")
    AuthType authType;

    @Option(
            names = "--credential",
            paramLabel = "AKID:SECRET[:PRINCIPAL_ARN]",
            description = "a trusted credential (repeatable); the principal defaults to"
                    + " arn:aws:iam::ACCOUNT:user/local-user. The credentials in this process's environment"
                    + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) are trusted too, as that"
                    + " default principal")
    List<String> credentials = new ArrayList<>();

    @Option(
            names = "--session-credential",
            paramLabel = "AKID:SECRET:TOKEN[:PRINCIPAL_ARN]",
            description = "a trusted temporary credential: callers must sign x-amz-security-token")
    List<String> sessionCredentials = new ArrayList<>();

    @Option(
            names = "--allow",
            paramLabel = "PRINCIPAL_ARN",
            description = "auth policy (repeatable): principals allowed to invoke; default: any authenticated"
                    + " principal; '*' also admits unsigned callers")
    List<String> allowed = new ArrayList<>();

    @Option(
            names = "--canonical-path",
            paramLabel = "FORM",
            defaultValue = "double-encoded",
            converter = PathFormConverter.class,
            description = "the one path form signatures are verified in: double-encoded (default: the AWS SDK's,"
                    + " normalized and encoded twice) or single-encoded (as sent, like the AWS SDK for Go with"
                    + " DisableURIPathEscaping); a signature in the other form gets 403 naming the expected one")
    CanonicalPathForm pathForm;

    @Option(
            names = "--host-name",
            paramLabel = "NAME",
            description = "another host name the service answers to (repeatable), e.g. a name you map to 127.0.0.1"
                    + " and sign for; the certificate covers it. Always served: localhost, 127.0.0.1 and [::1]"
                    + " with the port; other hosts get 404")
    List<String> hostNames = new ArrayList<>();

    @Option(
            names = "--cert-out",
            paramLabel = "FILE",
            description = "write the server's self-signed certificate as PEM (for curl --cacert)")
    Path certOut;

    @Option(
            names = "--truststore-out",
            paramLabel = "FILE",
            description = "write it as a PKCS12 trust store, password 'changeit', for Java clients:"
                    + " -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=changeit")
    Path trustStoreOut;

    @Option(
            names = "--account-id",
            paramLabel = "ID",
            description = "the account in the event's ARNs (default: 123456789012)")
    String accountId;

    @Option(
            names = "--principal-org-id",
            paramLabel = "ID",
            description = "principalOrgID reported for signed callers (default: none)")
    String principalOrgId;

    @Option(
            names = "--principal-org-path",
            paramLabel = "PATH",
            description = "PrincipalOrgPath reported to an HTTP target for signed callers (default: none)")
    String principalOrgPath;

    @Mixin
    FunctionOptions function;

    ServeCommand(PrintStream out, PrintStream err, Map<String, String> processEnvironment) {
        this.out = out;
        this.err = err;
        this.processEnvironment = processEnvironment;
    }

    /** Starts the local Lattice and blocks until the process is stopped (Ctrl-C or SIGTERM). */
    @Override
    public Integer call() {
        LocalLattice.Builder builder = configure();
        LambdaTarget target = null;
        LocalLattice lattice;
        if (targetUrl != null) {
            lattice = builder.targetUrl(targetUrl).build();
        } else {
            target = LambdaTarget.of(
                    function.build(processEnvironment, err::println), line -> err.println("lattice-local: " + line));
            try {
                lattice = builder.target(target).build();
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        }
        LambdaTarget lambda = target;
        if (certOut != null) {
            lattice.certificate().writePem(certOut);
        }
        if (trustStoreOut != null) {
            lattice.certificate().writeTrustStore(trustStoreOut, LocalCertificate.TRUST_STORE_PASSWORD.toCharArray());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            lattice.close();
                            if (lambda != null) {
                                lambda.close();
                            }
                            stopped.countDown();
                        },
                        "lattice-local-shutdown"));
        report(lattice);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Everything but the target, checked before the function is built: bad input costs no runtime start. */
    private LocalLattice.Builder configure() {
        checkTarget();
        if (listener == ListenerProtocol.HTTP) {
            if (certOut != null || trustStoreOut != null) {
                throw new IllegalArgumentException((certOut != null ? "--cert-out" : "--truststore-out")
                        + " needs an HTTPS listener: an HTTP listener has no certificate");
            }
        }
        LocalLattice.Builder builder = LocalLattice.builder()
                .listener(listener)
                .port(port)
                .region(function.region)
                .authType(authType)
                .canonicalPathForm(pathForm)
                .accessLog(err::println);
        if (accountId != null) {
            builder.accountId(accountId);
        }
        if (principalOrgId != null) {
            builder.principalOrgId(principalOrgId);
        }
        if (principalOrgPath != null) {
            builder.principalOrgPath(principalOrgPath);
        }
        if (eventVersion != null) {
            builder.eventVersion(eventVersion);
        }
        if (targetIdleTimeoutSeconds != null) {
            try {
                builder.targetIdleTimeout(Duration.ofSeconds(targetIdleTimeoutSeconds));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--target-idle-timeout must be a positive number of seconds, not " + targetIdleTimeoutSeconds);
            }
        }
        trustCredentials(builder);
        for (String principal : allowed) {
            try {
                builder.allow(principal);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + e.getMessage(), e);
            }
        }
        hostNames.forEach(builder::hostName);
        return builder;
    }

    /** Exactly one target: a function, or an HTTP server with none of the function's options. */
    private void checkTarget() {
        if (targetUrl == null) {
            if (!function.named()) {
                throw new IllegalArgumentException("serve needs a target: --function-dir DIR with --handler HANDLER"
                        + " (a Lambda function), or --target-url URL (a running HTTP server)");
            }
            if (targetIdleTimeoutSeconds != null) {
                throw new IllegalArgumentException(
                        "--target-idle-timeout is for --target-url; a function has" + " --timeout");
            }
            return;
        }
        if (function.named()) {
            throw new IllegalArgumentException(
                    "serve fronts one target: --target-url or --function-dir with" + " --handler, not both");
        }
        List<String> functionOnly =
                FunctionOptions.functionOnlyOptionsGiven(spec.commandLine().getParseResult());
        if (eventVersion != null) {
            functionOnly.add(0, "--event-version");
        }
        if (!functionOnly.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", functionOnly) + " applies to a function; an HTTP"
                    + " target (--target-url) receives the request itself");
        }
    }

    private void report(LocalLattice lattice) {
        out.println("Local VPC Lattice listening on " + lattice.endpoint());
        String target = targetUrl != null
                ? "HTTP target " + targetUrl
                : "target " + function.handler + " (" + (eventVersion == null ? EventVersion.V2 : eventVersion)
                        + " events)";
        out.println("  service " + lattice.serviceArn() + ", auth " + lattice.authType() + ", region "
                + lattice.region() + ", " + target + ", signatures over the " + SigV4Verifier.cliName(pathForm)
                + " path");
        if (certOut != null) {
            out.println("  certificate written to " + certOut.toAbsolutePath());
        }
        if (trustStoreOut != null) {
            out.println("  trust store (PKCS12, password changeit) written to " + trustStoreOut.toAbsolutePath());
        }
        out.flush();
    }

    private void trustCredentials(LocalLattice.Builder builder) {
        Map<String, String> entries = new LinkedHashMap<>();
        String envKey = processEnvironment.get("AWS_ACCESS_KEY_ID");
        String envSecret = processEnvironment.get("AWS_SECRET_ACCESS_KEY");
        if (envKey != null && !envKey.isBlank() && envSecret != null && !envSecret.isEmpty()) {
            builder.sessionCredential(envKey, envSecret, processEnvironment.get("AWS_SESSION_TOKEN"), null);
            entries.put(envKey, "AWS_ACCESS_KEY_ID in the environment");
        }

        for (int i = 0; i < credentials.size(); i++) {
            String[] parts = credentials.get(i).split(":", 3);
            String entry = "--credential #" + (i + 1) + " (access key '" + parts[0] + "')";
            if (parts.length < 2 || parts[0].isBlank() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(entry + " must be ACCESS_KEY_ID:SECRET_KEY[:PRINCIPAL_ARN]");
            }
            trust(
                    entries,
                    entry,
                    parts[0],
                    () -> builder.credential(parts[0], parts[1], parts.length == 3 ? parts[2] : null));
        }

        for (int i = 0; i < sessionCredentials.size(); i++) {
            String[] parts = sessionCredentials.get(i).split(":", 4);
            String entry = "--session-credential #" + (i + 1) + " (access key '" + parts[0] + "')";
            if (parts.length < 3 || parts[0].isBlank() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException(
                        entry + " must be ACCESS_KEY_ID:SECRET_KEY:SESSION_TOKEN[:PRINCIPAL_ARN]");
            }
            trust(
                    entries,
                    entry,
                    parts[0],
                    () -> builder.sessionCredential(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : null));
        }
    }

    private static void trust(Map<String, String> entries, String entry, String accessKey, Runnable add) {
        String earlier = entries.putIfAbsent(accessKey, entry);
        if (earlier != null) {
            throw new IllegalArgumentException(entry + " repeats the access key of " + earlier
                    + ": each credential needs an access key id of its own");
        }
        try {
            add.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(entry + ": " + e.getMessage(), e);
        }
    }

    /** {@code https} or {@code http}, in any case. */
    static final class ListenerConverter implements ITypeConverter<ListenerProtocol> {
        @Override
        public ListenerProtocol convert(String value) {
            try {
                return ListenerProtocol.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("it must be https or http");
            }
        }
    }

    /** {@code AWS_IAM} or {@code NONE}, in any case. */
    static final class AuthTypeConverter implements ITypeConverter<AuthType> {
        @Override
        public AuthType convert(String value) {
            try {
                return AuthType.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("it must be NONE or AWS_IAM");
            }
        }
    }

    /** {@code V1} or {@code V2}, in any case. */
    static final class EventVersionConverter implements ITypeConverter<EventVersion> {
        @Override
        public EventVersion convert(String value) {
            try {
                return EventVersion.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("it must be V1 or V2");
            }
        }
    }

    /** {@code double-encoded} or {@code single-encoded}. */
    static final class PathFormConverter implements ITypeConverter<CanonicalPathForm> {
        @Override
        public CanonicalPathForm convert(String value) {
            for (CanonicalPathForm form : CanonicalPathForm.values()) {
                if (SigV4Verifier.cliName(form).equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return form;
                }
            }
            throw new TypeConversionException("it must be double-encoded or single-encoded");
        }
    }
}
