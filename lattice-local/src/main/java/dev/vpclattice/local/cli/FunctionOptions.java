package dev.vpclattice.local.cli;

import dev.vpclattice.lambda.local.LocalLambda;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The options that say which function to run and how: shared by {@code serve} and {@code invoke}. */
final class FunctionOptions {
    @Option(
            names = "--function-dir",
            paramLabel = "DIR",
            description =
                    "the function's SAM-style artifact directory: classes at the root, lib/*.jar (with" + " --handler)")
    Path functionDirectory;

    @Option(
            names = "--handler",
            paramLabel = "HANDLER",
            description = "the function's handler, package.Class or package.Class::method (with --function-dir)")
    String handler;

    @Option(
            names = "--env",
            paramLabel = "K=V|K",
            description = "environment variable for the function; K alone passes on this process's own value,"
                    + " keeping secrets off the command line (repeatable)")
    List<String> environment = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "the function's timeout (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = "--jvm-arg",
            paramLabel = "ARG",
            description =
                    "extra JVM flag for the function's runtime (repeatable), e.g." + " -Djavax.net.ssl.trustStore=FILE")
    List<String> jvmArguments = new ArrayList<>();

    @Option(
            names = "--region",
            paramLabel = "R",
            defaultValue = "us-east-1",
            description = "the region: the function's AWS_REGION and, for serve, the service's, which signatures"
                    + " must be scoped to (default: ${DEFAULT-VALUE})")
    String region;

    /**
     * Tells whether a function was named.
     *
     * @return true when {@code --function-dir} or {@code --handler} was given
     */
    boolean named() {
        return functionDirectory != null || handler != null;
    }

    /**
     * Names the function's runtime-only options that were given, for a command that runs no function.
     *
     * @param parsed the command's parse result
     * @return the options given, such as {@code --env}; empty when none
     */
    static List<String> functionOnlyOptionsGiven(picocli.CommandLine.ParseResult parsed) {
        List<String> given = new ArrayList<>();
        for (String name : List.of("--env", "--timeout", "--jvm-arg")) {
            if (parsed.hasMatchedOption(name)) {
                given.add(name);
            }
        }
        return given;
    }

    /**
     * Builds the function; its runtime starts with the first invocation.
     *
     * @param processEnvironment this process's environment, for {@code --env NAME}
     * @param logSink where the runtime's output goes
     * @return the function
     * @throws IllegalArgumentException if {@code --function-dir} or {@code --handler} is missing, the directory is
     *     not one or an {@code --env} name is not set
     */
    LocalLambda build(Map<String, String> processEnvironment, Consumer<String> logSink) {
        if (functionDirectory == null || handler == null) {
            throw new IllegalArgumentException("the function needs both --function-dir DIR and --handler HANDLER"
                    + " (missing: " + (functionDirectory == null ? "--function-dir" : "--handler") + ")");
        }
        if (!Files.isDirectory(functionDirectory)) {
            throw new IllegalArgumentException("--function-dir " + functionDirectory + " is not a directory");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be a positive number of seconds, not " + timeoutSeconds);
        }
        return LocalLambda.builder()
                .functionDirectory(functionDirectory)
                .handler(handler)
                .region(region)
                .environment(environment(environment, processEnvironment))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .jvmArguments(jvmArguments)
                .logSink(logSink)
                .build();
    }

    /**
     * The function's environment from {@code --env}: {@code NAME=VALUE} as given, {@code NAME} alone looked up in
     * {@code processEnvironment} (the command's injected environment, so tests and embedders control it).
     *
     * @param pairs the {@code --env} values
     * @param processEnvironment where a name alone is looked up
     * @return the variables, in the order given
     * @throws IllegalArgumentException if a value has no name or a name alone is not set
     */
    static Map<String, String> environment(List<String> pairs, Map<String, String> processEnvironment) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String pair : pairs) {
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
