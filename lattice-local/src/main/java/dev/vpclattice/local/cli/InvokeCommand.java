package dev.vpclattice.local.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.lambda.local.LambdaInvocation;
import dev.vpclattice.lambda.local.LocalLambda;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lattice-local invoke}: runs a function once with an event, like {@code sam local invoke} without Docker. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        versionProvider = LatticeLocalCommand.Version.class,
        sortOptions = false,
        description = {
            "Runs the function once with the event and prints its response JSON on stdout, its logs on stderr;"
                    + " exits 1 when the function fails or times out."
        })
final class InvokeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> processEnvironment;

    @Option(
            names = "--event",
            paramLabel = "FILE",
            description = "the event JSON; '-' reads stdin; default: {}. Like Lambda's Invoke API, it refuses an"
                    + " event that is not JSON")
    String event;

    @Mixin
    FunctionOptions function;

    InvokeCommand(PrintStream out, PrintStream err, Map<String, String> processEnvironment) {
        this.out = out;
        this.err = err;
        this.processEnvironment = processEnvironment;
    }

    @Override
    public Integer call() {
        byte[] payload = readEvent(event);
        try (LocalLambda lambda = function.build(processEnvironment, err::println)) {
            LambdaInvocation result = lambda.invoke(payload);
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
    private static byte[] readEvent(String file) {
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
}
