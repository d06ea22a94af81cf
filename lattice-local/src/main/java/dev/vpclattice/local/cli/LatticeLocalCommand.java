package dev.vpclattice.local.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.CanonicalPathForm;
import dev.vpclattice.local.LambdaTarget;
import dev.vpclattice.local.ListenerProtocol;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.LocalLattice;
import dev.vpclattice.local.internal.SigV4Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code lattice-local} command line: {@code serve} runs a local VPC Lattice in front of a function,
 * {@code invoke} runs a function once like {@code sam local invoke}, without Docker.
 *
 * <p>Run {@code java -jar lattice-local.jar --help} for the options.
 */
public final class LatticeLocalCommand {
    static final String USAGE = """
            Usage:
              lattice-local serve  --function-dir DIR --handler HANDLER [options]
              lattice-local invoke --function-dir DIR --handler HANDLER [--event FILE] [options]
              lattice-local --help | --version

            serve: an HTTPS server on 127.0.0.1 playing VPC Lattice for one service whose target is the function,
            run in the real Lambda Java runtime client (one warm runtime, restarted if it dies or times out).
            It prints the URL it listens on, then one access-log line per request on stderr.
              --port N                 port to listen on; 0 (default) picks a free one
              --listener P             https (default, a self-signed certificate) or http (plain, no
                                       certificate); SigV4 is verified the same way on both
              --auth-type T            AWS_IAM (default): SigV4 for vpc-lattice-svcs required; NONE: no auth
              --credential AKID:SECRET[:PRINCIPAL_ARN]
                                       a trusted credential (repeatable); the principal defaults to
                                       arn:aws:iam::ACCOUNT:user/local-user. The credentials in this process's
                                       environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
                                       are trusted too, as that default principal
              --session-credential AKID:SECRET:TOKEN[:PRINCIPAL_ARN]
                                       a trusted temporary credential: callers must sign x-amz-security-token
              --allow PRINCIPAL_ARN    auth policy (repeatable): principals allowed to invoke; default: any
                                       authenticated principal; '*' also admits unsigned callers
              --canonical-path FORM    the one path form signatures are verified in: double-encoded (default:
                                       the AWS SDK's, normalized and encoded twice) or single-encoded (as sent,
                                       like the AWS SDK for Go with DisableURIPathEscaping); a signature in the
                                       other form gets 403 naming the expected one
              --host-name NAME         another host name the service answers to (repeatable), e.g. a name you
                                       map to 127.0.0.1 and sign for; the certificate covers it. Always served:
                                       localhost, 127.0.0.1 and [::1] with the port; other hosts get 404
              --cert-out FILE          write the server's self-signed certificate as PEM (for curl --cacert)
              --truststore-out FILE    write it as a PKCS12 trust store, password 'changeit', for Java clients:
                                       -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=changeit
              --region R               the service's region, which signatures must be scoped to (us-east-1)
              --account-id ID          the account in the event's ARNs (123456789012)
              --principal-org-id ID    principalOrgID reported for signed callers (none)

            invoke: runs the function once with the event and prints its response JSON on stdout, its logs on
            stderr; exits 1 when the function fails or times out.
              --event FILE             the event JSON; '-' reads stdin; default: {}. Like Lambda's Invoke API,
                                       it refuses an event that is not JSON

            Both:
              --function-dir DIR       SAM-style artifact directory: classes at the root, lib/*.jar
              --handler HANDLER        package.Class or package.Class::method
              --env K=V | --env K      environment variable for the function; K alone passes on this
                                       process's own value, keeping secrets off the command line (repeatable)
              --timeout SECONDS        the function's timeout (30)
              --jvm-arg ARG            extra JVM flag for the function's runtime (repeatable),
                                       e.g. -Djavax.net.ssl.trustStore=FILE
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> processEnvironment;

    LatticeLocalCommand(PrintStream out, PrintStream err, Map<String, String> processEnvironment) {
        this.out = out;
        this.err = err;
        this.processEnvironment = processEnvironment;
    }

    /**
     * Runs the command and exits with its status: 0 on success, 1 when the invoked function failed, 2 for bad usage.
     * {@code serve} runs until the process is stopped (Ctrl-C or SIGTERM).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int status = new LatticeLocalCommand(System.out, System.err, System.getenv()).run(args);
        System.exit(status);
    }

    int run(String[] args) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (List.of("--version", "version").contains(args[0])) {
            out.println("lattice-local " + version());
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("lattice-local: " + e.getMessage());
            err.println("Run 'lattice-local --help' for the options.");
            return 2;
        }
        if (options.help) {
            out.print(USAGE);
            return 0;
        }
        try {
            return switch (options.command) {
                case "serve" -> serve(options);
                case "invoke" -> invoke(options);
                default ->
                    throw new IllegalArgumentException(
                            "unknown command '" + options.command + "': use serve or invoke");
            };
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("lattice-local: " + e.getMessage());
            return 2;
        }
    }

    private LocalLambda function(Options options) {
        Path directory = Path.of(options.require("--function-dir"));
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("--function-dir " + directory + " is not a directory");
        }
        return LocalLambda.builder()
                .functionDirectory(directory)
                .handler(options.require("--handler"))
                .region(options.single("--region", "us-east-1"))
                .environment(options.environment(processEnvironment))
                .timeout(Duration.ofSeconds(options.integer("--timeout", 30)))
                .jvmArguments(options.all("--jvm-arg"))
                .logSink(err::println)
                .build();
    }

    private int invoke(Options options) {
        byte[] event = readEvent(options.single("--event", null));
        try (LocalLambda function = function(options)) {
            LambdaInvocation result = function.invoke(event);
            out.println(new String(result.payload(), StandardCharsets.UTF_8));
            out.flush();
            if (result.status() != LambdaInvocation.Status.SUCCESS) {
                err.println("lattice-local: the function ended with " + result.status() + " after "
                        + result.duration().toMillis() + " ms");
                return 1;
            }
            return 0;
        }
    }

    /**
     * Reads the event and refuses one that is not JSON, as Lambda's Invoke API does, naming the file and the parse
     * error; an unreadable file is named with the reason.
     */
    private byte[] readEvent(String file) {
        if (file == null) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        String source = "-".equals(file) ? "standard input" : file;
        byte[] event;
        try {
            event = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "--event " + file + ": no such file (working directory "
                            + Path.of("").toAbsolutePath() + ")",
                    e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("--event " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--event " + file + ": cannot be read: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    e);
        }
        if (new String(event, StandardCharsets.UTF_8).isBlank()) {
            throw new IllegalArgumentException(
                    "the event in " + source + " is empty, which is not JSON. Lambda" + " refuses such a payload.");
        }
        try (JsonParser parser = JSON.createParser(event)) {
            JSON.readTree(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "content after the JSON value");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(
                    "the event in " + source + " is not JSON"
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                            + ": "
                            + e.getOriginalMessage() + ". Lambda refuses such a payload.",
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event in " + source + " could not be parsed: " + e, e);
        }
        return event;
    }

    /** The version this build was made from, from the resource Maven filters at build time. */
    static String version() {
        try (InputStream in =
                LatticeLocalCommand.class.getResourceAsStream("/dev/vpclattice/local/version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank() && !version.startsWith("$")) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String fromManifest = LatticeLocalCommand.class.getPackage().getImplementationVersion();
        return fromManifest == null ? "(unknown version)" : fromManifest;
    }

    private int serve(Options options) {
        ListenerProtocol listener = listener(options.single("--listener", "https"));
        if (listener == ListenerProtocol.HTTP) {
            for (String certificateOption : List.of("--cert-out", "--truststore-out")) {
                if (options.single(certificateOption, null) != null) {
                    throw new IllegalArgumentException(
                            certificateOption + " needs an HTTPS listener: an HTTP listener has no certificate");
                }
            }
        }
        LocalLattice.Builder builder = LocalLattice.builder()
                .listener(listener)
                .port(options.integer("--port", 0))
                .region(options.single("--region", "us-east-1"))
                .authType(authType(options.single("--auth-type", "AWS_IAM")))
                .accessLog(err::println);
        String account = options.single("--account-id", null);
        if (account != null) {
            builder.accountId(account);
        }
        String orgId = options.single("--principal-org-id", null);
        if (orgId != null) {
            builder.principalOrgId(orgId);
        }
        String envKey = processEnvironment.get("AWS_ACCESS_KEY_ID");
        String envSecret = processEnvironment.get("AWS_SECRET_ACCESS_KEY");
        if (envKey != null && !envKey.isBlank() && envSecret != null && !envSecret.isEmpty()) {
            builder.sessionCredential(envKey, envSecret, processEnvironment.get("AWS_SESSION_TOKEN"), null);
        }
        for (String credential : options.all("--credential")) {
            String[] parts = credential.split(":", 3);
            if (parts.length < 2 || parts[0].isBlank() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("--credential must be ACCESS_KEY_ID:SECRET_KEY[:PRINCIPAL_ARN]"
                        + " (got one for access key '" + parts[0] + "')");
            }
            builder.credential(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
        }
        for (String credential : options.all("--session-credential")) {
            String[] parts = credential.split(":", 4);
            if (parts.length < 3 || parts[0].isBlank() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException("--session-credential must be "
                        + "ACCESS_KEY_ID:SECRET_KEY:SESSION_TOKEN[:PRINCIPAL_ARN] (got one for access key '"
                        + parts[0] + "')");
            }
            builder.sessionCredential(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : null);
        }
        options.all("--allow").forEach(builder::allow);
        options.all("--host-name").forEach(builder::hostName);
        builder.canonicalPathForm(pathForm(options.single("--canonical-path", "double-encoded")));

        LambdaTarget target = LambdaTarget.of(function(options), line -> err.println("lattice-local: " + line));
        LocalLattice lattice;
        try {
            lattice = builder.target(target).build();
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        String certOut = options.single("--cert-out", null);
        if (certOut != null) {
            lattice.certificate().writePem(Path.of(certOut));
        }
        String trustStoreOut = options.single("--truststore-out", null);
        if (trustStoreOut != null) {
            lattice.certificate()
                    .writeTrustStore(Path.of(trustStoreOut), LocalCertificate.TRUST_STORE_PASSWORD.toCharArray());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            lattice.close();
                            target.close();
                            stopped.countDown();
                        },
                        "lattice-local-shutdown"));

        out.println("Local VPC Lattice listening on " + lattice.endpoint());
        out.println("  service " + lattice.serviceArn() + ", auth " + lattice.authType() + ", region "
                + lattice.region() + ", target " + options.require("--handler") + ", signatures over the "
                + options.single("--canonical-path", "double-encoded") + " path");
        if (certOut != null) {
            out.println("  certificate written to " + Path.of(certOut).toAbsolutePath());
        }
        if (trustStoreOut != null) {
            out.println("  trust store (PKCS12, password changeit) written to "
                    + Path.of(trustStoreOut).toAbsolutePath());
        }
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static CanonicalPathForm pathForm(String value) {
        for (CanonicalPathForm form : CanonicalPathForm.values()) {
            if (SigV4Verifier.cliName(form).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return form;
            }
        }
        throw new IllegalArgumentException(
                "--canonical-path must be double-encoded or single-encoded, not '" + value + "'");
    }

    private static ListenerProtocol listener(String value) {
        try {
            return ListenerProtocol.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--listener must be https or http, not '" + value + "'", e);
        }
    }

    private static AuthType authType(String value) {
        try {
            return AuthType.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--auth-type must be NONE or AWS_IAM, not '" + value + "'", e);
        }
    }

    /** The parsed command line: a command and repeatable {@code --name value} options. */
    static final class Options {
        private static final List<String> KNOWN = List.of(
                "--port",
                "--auth-type",
                "--credential",
                "--session-credential",
                "--allow",
                "--cert-out",
                "--region",
                "--account-id",
                "--principal-org-id",
                "--truststore-out",
                "--event",
                "--function-dir",
                "--handler",
                "--env",
                "--timeout",
                "--jvm-arg",
                "--host-name",
                "--canonical-path",
                "--listener");
        private static final List<String> REPEATABLE =
                List.of("--credential", "--session-credential", "--allow", "--env", "--jvm-arg", "--host-name");

        final String command;
        final boolean help;
        private final Map<String, List<String>> values = new LinkedHashMap<>();

        private Options(String command, boolean help) {
            this.command = command;
            this.help = help;
        }

        static Options parse(String[] args) {
            boolean help = List.of(args).contains("--help") || List.of(args).contains("-h");
            Options options = new Options(args[0], help);
            for (int i = 1; i < args.length; i++) {
                String name = args[i];
                String value = null;
                int eq = name.indexOf('=');
                if (name.startsWith("--") && eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (name.equals("--help") || name.equals("-h")) {
                    continue;
                }
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("unknown option '" + name + "'");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                List<String> list = options.values.computeIfAbsent(name, k -> new ArrayList<>());
                if (!list.isEmpty() && !REPEATABLE.contains(name)) {
                    throw new IllegalArgumentException(name + " may be given only once");
                }
                list.add(value);
            }
            return options;
        }

        String require(String name) {
            String value = single(name, null);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(command + " needs " + name);
            }
            return value;
        }

        String single(String name, String defaultValue) {
            List<String> list = values.get(name);
            return list == null ? defaultValue : list.get(0);
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        int integer(String name, int defaultValue) {
            String value = single(name, null);
            if (value == null) {
                return defaultValue;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
            }
        }

        /**
         * The function's environment from {@code --env}: {@code NAME=VALUE} as given, {@code NAME} alone looked up in
         * {@code processEnvironment} (the command's injected environment, so tests and embedders control it).
         */
        Map<String, String> environment(Map<String, String> processEnvironment) {
            Map<String, String> environment = new LinkedHashMap<>();
            for (String pair : all("--env")) {
                int eq = pair.indexOf('=');
                if (eq == 0) {
                    // The value may be a secret: name the rule, not the value.
                    throw new IllegalArgumentException("--env must be NAME=VALUE or NAME (one value has no name)");
                }
                if (eq < 0) {
                    // NAME alone passes this process's own value on, so secrets need not appear on a command line.
                    String value = processEnvironment.get(pair);
                    if (value == null) {
                        throw new IllegalArgumentException(
                                "--env " + pair + " passes on " + pair + " from this environment, but it is not set");
                    }
                    environment.put(pair, value);
                } else {
                    environment.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            return environment;
        }
    }
}
