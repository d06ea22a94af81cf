package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.AuthType;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import dev.vpclattice.systemtests.ReadmeSnippets.Snippet;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Docs that compile: every ```java block of every README in the repository is compiled in-process with
 * javac against this project's classes, for Java 17 as the library's users run it, and run where it can, in a child
 * JVM whose environment points at a local Lattice ({@link LocalLatticeExtension}) that verifies SigV4 (the convention is in
 * system-tests/README.md, "README snippets").
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReadmeSnippetsIT {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final String CLASSPATH =
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    static final List<String> accessLog = new CopyOnWriteArrayList<>();

    /**
     * The service the snippets call: auth type AWS_IAM with the snippets' credentials (the extension's allowed
     * principal) allowed, answering 200 with the request's body and content type.
     */
    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .authType(AuthType.AWS_IAM)
            .latticeOptions(options -> options.accessLog(accessLog::add))
            .target(event -> VpcLatticeV2Response.builder()
                    .statusCode(200)
                    .header("content-type", event.firstHeader("content-type").orElse("application/octet-stream"))
                    .body(event.decodeBody())
                    .build())
            .build();

    @TempDir
    static Path work;

    static Path runFiles;

    @BeforeAll
    static void writeTheFilesSnippetsFind(LocalCertificate certificate) throws IOException {
        runFiles = Files.createDirectories(work.resolve("run-files"));
        Files.copy(lattice.certificatePem(), runFiles.resolve("lattice.pem"));
        certificate.writeTrustStore(runFiles.resolve("lattice.p12"), "changeit".toCharArray());
        Files.copy(ROOT.resolve("sample-events/post-json.json"), runFiles.resolve("event.json"));
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfEveryReadme_compiles_andRunsWhereItCan() {
        List<Snippet> snippets = ReadmeSnippets.readmes(ROOT).stream()
                .flatMap(readme -> ReadmeSnippets.extract(readme).stream())
                .toList();
        assertFalse(snippets.isEmpty(), "no ```java block found in any README under " + ROOT);
        return snippets.stream()
                .map(snippet -> DynamicTest.dynamicTest(
                        snippet.where(ROOT) + (snippet.runs() ? "" : " (compile-only)"), () -> check(snippet)));
    }

    private static void check(Snippet snippet) throws Exception {
        Path dir = Files.createTempDirectory(work, "snippet");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(snippet, dir.resolve("src"), classes);
        if (snippet.runs()) {
            run(snippet, classes, Files.createDirectories(dir.resolve("run")));
        }
    }

    private static void compile(Snippet snippet, Path sources, Path classes) throws IOException {
        Path source = sources.resolve(snippet.sourcePath());
        Files.createDirectories(source.getParent());
        Files.writeString(source, snippet.source(), StandardCharsets.UTF_8);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean compiled = javac.getTask(
                            null,
                            files,
                            diagnostics,
                            List.of(
                                    "--release",
                                    "17",
                                    "-proc:none",
                                    "-encoding",
                                    "UTF-8",
                                    "-classpath",
                                    CLASSPATH,
                                    "-d",
                                    classes.toString()),
                            null,
                            files.getJavaFileObjects(source.toFile()))
                    .call();
            if (!compiled) {
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> describe(snippet, d))
                        .collect(Collectors.joining("\n"));
                throw new AssertionError("the ```java block at " + snippet.where(ROOT) + " does not compile:\n" + errors
                        + "\n--- compiled as " + snippet.sourcePath() + ":\n" + numbered(snippet.source()));
            }
        }
    }

    private static String describe(Snippet snippet, Diagnostic<? extends JavaFileObject> diagnostic) {
        int line = snippet.readmeLine(diagnostic.getLineNumber());
        String where = line > 0
                ? ROOT.relativize(snippet.file()) + ":" + line
                : snippet.sourcePath() + ":" + diagnostic.getLineNumber();
        return where + ": " + diagnostic.getMessage(Locale.ROOT);
    }

    private static void run(Snippet snippet, Path classes, Path cwd) throws Exception {
        for (String name : List.of("lattice.pem", "lattice.p12", "event.json")) {
            Files.copy(runFiles.resolve(name), cwd.resolve(name));
        }
        Path output = cwd.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djavax.net.ssl.trustStore=" + cwd.resolve("lattice.p12"),
                "-Djavax.net.ssl.trustStorePassword=changeit",
                "-cp",
                classes + File.pathSeparator + CLASSPATH));
        if (snippet.junitTestClass()) {
            command.add(SnippetTestRunner.class.getName());
        }
        command.add(snippet.mainClass());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        AwsSessionCredentials credentials =
                (AwsSessionCredentials) lattice.credentials().resolveCredentials();
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.putAll(Map.of(
                "AWS_REGION", lattice.region(),
                "AWS_ACCESS_KEY_ID", credentials.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey(),
                "AWS_SESSION_TOKEN", credentials.sessionToken(),
                "AWS_CONFIG_FILE", cwd.resolve("no-aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", cwd.resolve("no-aws-credentials").toString(),
                "AWS_EC2_METADATA_DISABLED", "true",
                "SERVICE_DNS_NAME", lattice.endpoint().toString(),
                "LATTICE_ENDPOINT", lattice.endpoint().toString()));
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                    "the ```java block at " + snippet.where(ROOT) + " ran for 2 minutes:\n" + Files.readString(output));
        }
        assertEquals(
                0,
                process.exitValue(),
                () -> "the ```java block at " + snippet.where(ROOT)
                        + " failed when run (" + snippet.mainClass() + " in " + cwd + "):\n" + read(output)
                        + "\n--- the local Lattice's access log so far:\n" + String.join("\n", accessLog));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static String numbered(String source) {
        List<String> lines = source.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(String.format("%4d  %s%n", i + 1, lines.get(i)));
        }
        return out.toString();
    }
}
