package dev.vpclattice.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ```java blocks of the repository's READMEs, and how each one is compiled and run (the convention is in
 * system-tests/README.md, "README snippets").
 *
 * <p>A block whose lines include one starting with {@code package} or {@code import} is a whole source file, compiled
 * as it stands; it runs when it declares {@code public static void main(String[])}, or, with no {@code main} but an
 * import of JUnit Jupiter's {@code Test}, as a test class through the JUnit Platform ({@link SnippetTestRunner}). Any other block is a sequence of
 * statements, compiled as the body of a method in a class that imports {@link #STATEMENT_IMPORTS}, and run. Words after
 * {@code java} on the fence line are attributes: {@code compile-only} means the block is compiled but not run.
 */
final class ReadmeSnippets {

    /** What a statement block may use without imports. */
    static final List<String> STATEMENT_IMPORTS = List.of(
            "java.io.*",
            "java.net.*",
            "java.nio.charset.StandardCharsets",
            "java.nio.file.*",
            "java.security.cert.*",
            "java.time.*",
            "java.util.*",
            "java.util.concurrent.*",
            "javax.net.ssl.*",
            "com.fasterxml.jackson.databind.*",
            "software.amazon.awssdk.auth.credentials.*",
            "software.amazon.awssdk.http.SdkHttpClient",
            "software.amazon.awssdk.http.apache5.Apache5HttpClient",
            "software.amazon.awssdk.regions.Region",
            "dev.vpclattice.client.*",
            "dev.vpclattice.events.*",
            "dev.vpclattice.lambda.local.*",
            "dev.vpclattice.local.*");

    /** The class a statement block is compiled into; its {@code main} runs the block. */
    static final String STATEMENT_CLASS = "ReadmeSnippet";

    static final Set<String> ATTRIBUTES = Set.of("compile-only");

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+|~~~+)(.*)$");
    private static final Pattern UNIT_LINE = Pattern.compile("^(package|import)\\s");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern MAIN = Pattern.compile("public\\s+static\\s+void\\s+main\\s*\\(");
    /** A top-level type of any visibility: a test class is usually package-private. */
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record)\\s+(\\w+)",
            Pattern.MULTILINE);

    private static final Pattern JUNIT_TEST =
            Pattern.compile("^import\\s+org\\.junit\\.jupiter\\.api\\.(?:Test|\\*)\\s*;", Pattern.MULTILINE);
    private static final Set<String> SKIPPED_DIRECTORIES =
            Set.of(".git", "target", "build", "node_modules", ".aws-sam", ".idea", ".mvn");

    private ReadmeSnippets() {}

    /** One ```java block. {@code line} is the 1-based line of its first code line in {@code file}. */
    record Snippet(Path file, int line, String code, Set<String> attributes) {

        boolean compilationUnit() {
            return code.lines().anyMatch(l -> UNIT_LINE.matcher(l).find());
        }

        boolean runs() {
            return !attributes.contains("compile-only")
                    && (!compilationUnit() || MAIN.matcher(code).find() || junitTestClass());
        }

        /** A whole file without {@code main} that imports JUnit Jupiter's {@code Test}: it runs as a test class. */
        boolean junitTestClass() {
            return compilationUnit()
                    && !MAIN.matcher(code).find()
                    && JUNIT_TEST.matcher(code).find();
        }

        /** The source file to compile: the block itself, or the block inside {@link #STATEMENT_CLASS}. */
        String source() {
            if (compilationUnit()) {
                return code;
            }
            StringBuilder source = new StringBuilder();
            for (String name : STATEMENT_IMPORTS) {
                source.append("import ").append(name).append(";\n");
            }
            source.append("public class ")
                    .append(STATEMENT_CLASS)
                    .append(" {\n")
                    .append("    public static void main(String[] args) throws Exception {\n")
                    .append("        run();\n")
                    .append("    }\n")
                    .append("    static void run() throws Exception {\n")
                    .append(code)
                    .append("\n    }\n}\n");
            return source.toString();
        }

        /** The line of {@link #source()} that holds the block's first line. */
        int sourceOffset() {
            return compilationUnit() ? 0 : STATEMENT_IMPORTS.size() + 5;
        }

        /** The README line that a 1-based line of {@link #source()} comes from, or -1 for a wrapper line. */
        int readmeLine(long sourceLine) {
            long inBlock = sourceLine - sourceOffset();
            return inBlock >= 1 && inBlock <= code.lines().count() ? (int) (line + inBlock - 1) : -1;
        }

        /** Path of the source file, relative to the output root: package directories and the public type's name. */
        String sourcePath() {
            if (!compilationUnit()) {
                return STATEMENT_CLASS + ".java";
            }
            Matcher type = PUBLIC_TYPE.matcher(code);
            Matcher anyType = TOP_LEVEL_TYPE.matcher(code);
            String name = type.find() ? type.group(1) : anyType.find() ? anyType.group(1) : "Snippet";
            Matcher pkg = PACKAGE.matcher(code);
            String dir = pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "";
            return dir + name + ".java";
        }

        /** The class whose main runs the block, or that {@link SnippetTestRunner} runs as a test class. */
        String mainClass() {
            String path = sourcePath();
            return path.substring(0, path.length() - ".java".length()).replace('/', '.');
        }

        String where(Path root) {
            return root.relativize(file) + ":" + line;
        }
    }

    /** Every README.md under {@code root}, in a stable order, skipping build output and VCS folders. */
    static List<Path> readmes(Path root) {
        List<Path> found = new ArrayList<>();
        walk(root, found);
        found.sort(null);
        return found;
    }

    private static void walk(Path dir, List<Path> found) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry)) {
                    if (!SKIPPED_DIRECTORIES.contains(name)) {
                        walk(entry, found);
                    }
                } else if (name.equals("README.md")) {
                    found.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Snippet> extract(Path readme) {
        try {
            return extract(readme, Files.readString(readme, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The ```java blocks of one Markdown text. A block indented inside a list item has that indentation removed; other
     * fenced blocks are skipped whole, so a ```java line shown inside one is not a snippet. An unknown attribute or an
     * unclosed block is an error, so a typo cannot switch a block off.
     */
    static List<Snippet> extract(Path file, String markdown) {
        List<String> lines = markdown.lines().toList();
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()
                    || fence.group(2).startsWith("`") && fence.group(3).contains("`")) {
                continue; // CommonMark: a backtick fence's info string has no backtick, so ```` `x` ```` is inline code
            }
            String indent = fence.group(1);
            String marker = fence.group(2);
            String[] info = fence.group(3).trim().split("\\s+");
            int close = i + 1;
            while (close < lines.size() && !closes(lines.get(close), marker)) {
                close++;
            }
            if (!info[0].equalsIgnoreCase("java")) {
                i = close;
                continue;
            }
            if (close == lines.size()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": the ```java block is never closed");
            }
            Set<String> attributes = new TreeSet<>(Arrays.asList(info).subList(1, info.length));
            for (String attribute : attributes) {
                if (!ATTRIBUTES.contains(attribute)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown snippet attribute '"
                            + attribute + "' (known: " + ATTRIBUTES + ")");
                }
            }
            StringBuilder code = new StringBuilder();
            for (String line : lines.subList(i + 1, close)) {
                code.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading())
                        .append('\n');
            }
            snippets.add(new Snippet(file, i + 2, code.toString(), Set.copyOf(attributes)));
            i = close;
        }
        return snippets;
    }

    private static boolean closes(String line, String marker) {
        String stripped = line.strip();
        return stripped.startsWith(marker) && stripped.chars().allMatch(c -> c == marker.charAt(0));
    }
}
