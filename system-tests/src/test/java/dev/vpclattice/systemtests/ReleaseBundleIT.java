package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Element;

/**
 * {@code scripts/release-check} (what {@code make release-check} runs) builds the release of every published module
 * into a Maven repository layout, and the bundle meets Maven Central's rules: jar, sources and Javadoc for each jar
 * module, a POM with name, description, url, licenses, developers and scm (its own or its parent's), an
 * {@code .asc} that gpg verifies and {@code .md5}/{@code .sha1} that match, for every file; nothing unpublished.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ReleaseBundleIT {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path OUT = ROOT.resolve("system-tests/target/release");
    static final Path GROUP = OUT.resolve("dev/vpclattice");

    static String version;
    static List<String> published;

    @BeforeAll
    static void releaseCheck() throws Exception {
        String snapshot = BomTest.text(BomTest.pom(ROOT.resolve("pom.xml")), "version");
        version = snapshot.replace("-SNAPSHOT", "");
        published =
                List.of(run(Map.of(), ROOT.resolve("scripts/published-modules").toString())
                        .trim()
                        .split(","));
        run(
                Map.of("RELEASE_VERSION", version),
                ROOT.resolve("scripts/release-check").toString(),
                OUT.toString());
    }

    @Test
    void everyPublishedModule_andTheParent_areThere_andNothingElse() throws Exception {
        Set<String> expected = new TreeSet<>(published);
        expected.add("vpc-lattice-java-parent");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(GROUP)) {
            dirs.forEach(dir -> found.add(dir.getFileName().toString()));
        }
        assertEquals(expected, found);
        for (String artifact : found) {
            assertTrue(Files.isDirectory(GROUP.resolve(artifact).resolve(version)), artifact + " " + version);
        }
    }

    @Test
    void jarModules_haveTheirJarSourcesAndJavadoc_withTheClassesSourcesAndNoInternals() throws Exception {
        for (String artifact : published) {
            Element pom = pom(artifact);
            if ("pom".equals(BomTest.text(pom, "packaging"))) {
                continue;
            }
            Path dir = GROUP.resolve(artifact).resolve(version);
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
                assertTrue(Files.isRegularFile(dir.resolve(artifact + "-" + version + suffix)), artifact + suffix);
            }
            try (ZipFile sources = new ZipFile(file(artifact, "-sources.jar").toFile());
                    ZipFile javadoc = new ZipFile(file(artifact, "-javadoc.jar").toFile())) {
                assertTrue(sources.stream().anyMatch(e -> e.getName().endsWith(".java")), artifact + " sources");
                assertNotNull(javadoc.getEntry("index.html"), artifact + " javadoc");
                assertTrue(
                        javadoc.stream().noneMatch(e -> e.getName().contains("/internal/")),
                        artifact + ": internal packages are not API and stay out of the Javadoc");
            }
        }
    }

    @Test
    void everyPom_namesWhatCentralRequires_andNoSnapshot() throws Exception {
        List<String> artifacts = new ArrayList<>(published);
        artifacts.add("vpc-lattice-java-parent");
        for (String artifact : artifacts) {
            Element pom = pom(artifact);
            String text = Files.readString(file(artifact, ".pom"));
            assertFalse(text.contains("SNAPSHOT"), artifact + ".pom names a SNAPSHOT");
            assertEquals(version, BomTest.text(pom, "version") != null ? BomTest.text(pom, "version") : version);
            assertTrue(!blank(BomTest.text(pom, "name")), artifact + ": name");
            assertTrue(!blank(BomTest.text(pom, "description")), artifact + ": description");
            Element owner = withInherited(pom, "url");
            assertTrue(BomTest.text(owner, "url").startsWith("https://"), artifact + ": url");
            Element license = BomTest.child(BomTest.child(withInherited(pom, "licenses"), "licenses"), "license");
            assertTrue(!blank(BomTest.text(license, "name")) && !blank(BomTest.text(license, "url")), artifact);
            Element developer =
                    BomTest.child(BomTest.child(withInherited(pom, "developers"), "developers"), "developer");
            assertTrue(!blank(BomTest.text(developer, "name")), artifact + ": developer name");
            Element scm = BomTest.child(withInherited(pom, "scm"), "scm");
            assertTrue(!blank(BomTest.text(scm, "url")) && !blank(BomTest.text(scm, "connection")), artifact);
        }
    }

    @Test
    void everyFile_hasAGoodSignatureAndMatchingChecksums() throws Exception {
        Path gnupg = Files.createDirectories(OUT.resolveSibling("release-verify-gnupg"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString());
        run(
                env,
                "gpg",
                "--batch",
                "--quiet",
                "--import",
                OUT.resolveSibling("release.key.asc").toString());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(GROUP)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getParent().getFileName().toString().equals(version))
                    .filter(f -> !f.toString().matches(".*\\.(asc|md5|sha1|sha256|sha512)$"))
                    .toList();
        }
        assertTrue(files.size() >= published.size() * 2, files.toString());
        for (Path file : files) {
            Path asc = Path.of(file + ".asc");
            assertTrue(Files.isRegularFile(asc), "no signature for " + file);
            String verified =
                    run(env, "gpg", "--batch", "--status-fd", "1", "--verify", asc.toString(), file.toString());
            assertTrue(verified.contains("[GNUPG:] GOODSIG"), file + ":\n" + verified);
            // Central asks for checksums of each file; a signature needs none.
            assertEquals(
                    digest("MD5", file),
                    Files.readString(Path.of(file + ".md5")).trim(),
                    file + ".md5");
            assertEquals(
                    digest("SHA-1", file),
                    Files.readString(Path.of(file + ".sha1")).trim(),
                    file + ".sha1");
        }
    }

    /** The POM itself if it has the element, else its parent's (Central reads the effective POM). */
    static Element withInherited(Element pom, String element) throws Exception {
        for (Element current = pom; current != null; ) {
            if (BomTest.child(current, element) != null) {
                return current;
            }
            Element parent = BomTest.child(current, "parent");
            current = parent == null ? null : pom(BomTest.text(parent, "artifactId"));
        }
        throw new AssertionError("neither the POM nor its parents have <" + element + ">");
    }

    static Element pom(String artifact) throws Exception {
        return BomTest.pom(file(artifact, ".pom"));
    }

    static Path file(String artifact, String suffix) {
        return GROUP.resolve(artifact).resolve(version).resolve(artifact + "-" + version + suffix);
    }

    static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    static String digest(String algorithm, Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
    }

    static String run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("release-check", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(12, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish in 12 minutes");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
