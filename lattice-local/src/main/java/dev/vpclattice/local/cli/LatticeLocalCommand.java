package dev.vpclattice.local.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code lattice-local} command line: {@code serve} runs a local VPC Lattice in front of a function,
 * {@code invoke} runs a function once like {@code sam local invoke}, without Docker.
 *
 * <p>Run {@code java -jar lattice-local.jar --help} for the options.
 */
@Command(
        name = "lattice-local",
        versionProvider = LatticeLocalCommand.Version.class,
        synopsisSubcommandLabel = "(serve | invoke)",
        description = {"A local VPC Lattice for one service, and a local Lambda invoke, without Docker."})
public final class LatticeLocalCommand implements Callable<Integer> {
    /** A usage error: a bad or missing option, an unknown command. */
    static final int USAGE = 2;

    private static final String DETAIL = "commandDetail";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> processEnvironment;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "print this help, every command's options included, and exit")
    boolean help;

    @Option(
            names = {"-V", "--version"},
            versionHelp = true,
            description = "print the version and exit")
    boolean version;

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

    /** No command: the help, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return USAGE;
    }

    int run(String[] args) {
        return commandLine().execute(args);
    }

    /**
     * The command line: picocli parses it; a parse error or bad input is one {@code lattice-local: ...} line on
     * stderr and exit 2; the help lists every command's options.
     */
    CommandLine commandLine() {
        CommandLine cli = new CommandLine(this)
                .addSubcommand("serve", new ServeCommand(out, err, processEnvironment))
                .addSubcommand("invoke", new InvokeCommand(out, err, processEnvironment))
                .addSubcommand("help", new HelpCommand())
                .addSubcommand("version", new VersionCommand(out));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(this::usageError);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException
                    || e instanceof UncheckedIOException) {
                err.println("lattice-local: " + e.getMessage());
                return USAGE;
            }
            throw e;
        });
        cli.getHelpSectionMap().put(DETAIL, help -> commandDetail(cli));
        List<String> sections = new ArrayList<>(cli.getHelpSectionKeys());
        sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), DETAIL);
        cli.setHelpSectionKeys(sections);
        return cli;
    }

    private int usageError(ParameterException e, String[] args) {
        // An unknown option is the likelier mistake than the required ones picocli reports missing beside it.
        CommandLine.ParseResult parsed = e.getCommandLine().getParseResult();
        List<String> unknown = parsed == null ? List.of() : parsed.unmatched();
        String message = unknown.isEmpty() || e instanceof CommandLine.UnmatchedArgumentException
                ? e.getMessage()
                : "Unknown option: '" + unknown.get(0) + "'";
        err.println("lattice-local: " + message);
        err.println("Run 'lattice-local --help' for the options.");
        return USAGE;
    }

    /** Each command's own help, so that {@code --help} shows every option. */
    private static String commandDetail(CommandLine cli) {
        StringBuilder detail = new StringBuilder();
        for (String name : List.of("serve", "invoke")) {
            detail.append(System.lineSeparator())
                    .append(cli.getSubcommands().get(name).getUsageMessage());
        }
        return detail.toString();
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

    /** {@code lattice-local X.Y.Z}, for {@code --version}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lattice-local " + version()};
        }
    }

    /** {@code lattice-local version}, the same as {@code --version}. */
    @Command(name = "version", hidden = true, description = "print the version and exit")
    static final class VersionCommand implements Callable<Integer> {
        private final PrintStream out;

        VersionCommand(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            out.println("lattice-local " + version());
            return 0;
        }
    }
}
