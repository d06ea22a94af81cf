package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's install command, {@code make install}, run on a copy of this checkout into an empty local repository:
 * it installs the published artifacts with sources and Javadoc, and a separate Maven project on JDK 17 that imports
 * lattice-bom gets the library and AWS SDK modules without naming a version. Artifacts that are not ours come from the
 * Maven repository of the build that runs this test (a file:// repository, releases only), so nothing is downloaded
 * twice and nothing of ours leaks in from it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class InstallIT {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Set<String> NOT_COPIED = Set.of(".git", "target", "build", ".aws-sam", ".idea", "node_modules");
    static final List<String> PUBLISHED = List.of(
            "lattice-client-sdk", "lattice-events", "lattice-local", "lattice-local-junit", "lambda-runtime-local");

    @TempDir
    static Path work;

    static Path repository;
    static Path settings;
    static String version;

    @BeforeAll
    static void makeInstall_inACopyOfThisCheckout() throws Exception {
        Path checkout = work.resolve("checkout");
        copyTree(ROOT, checkout);
        repository = work.resolve("repository");
        settings = work.resolve("settings.xml");
        Path outer =
                Path.of(System.getProperty("outer.repository", System.getProperty("user.home") + "/.m2/repository"));
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>outer-build-repository</id>
                      <repositories>
                        <repository><id>outer</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>outer</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>outer-build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(outer.toUri()));
        version = BomTest.text(BomTest.pom(ROOT.resolve("pom.xml")), "version");

        String output = run(
                checkout, Map.of(), "make", "install", "MVN_ARGS=-s " + settings + " -Dmaven.repo.local=" + repository);
        assertTrue(output.contains("installed dev.vpclattice:{lattice-bom,"), output);
    }

    @Test
    void publishedArtifacts_comeWithSourcesAndJavadoc_andNothingElseIsInstalled() throws Exception {
        for (String artifact : PUBLISHED) {
            Path dir = repository.resolve("dev/vpclattice/" + artifact + "/" + version);
            for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
                assertTrue(
                        Files.isRegularFile(dir.resolve(artifact + "-" + version + suffix)),
                        () -> "missing " + artifact + "-" + version + suffix + " in " + list(dir));
            }
        }
        assertTrue(Files.isRegularFile(
                repository.resolve("dev/vpclattice/lattice-bom/" + version + "/lattice-bom-" + version + ".pom")));
        for (String unpublished : List.of("service-function", "client-function", "benchmarks", "system-tests")) {
            assertFalse(
                    Files.exists(repository.resolve("dev/vpclattice/" + unpublished)), unpublished + " was installed");
        }

        Path sdk = repository.resolve("dev/vpclattice/lattice-client-sdk/" + version);
        try (ZipFile sources = new ZipFile(sdk.resolve("lattice-client-sdk-" + version + "-sources.jar")
                        .toFile());
                ZipFile javadoc = new ZipFile(sdk.resolve("lattice-client-sdk-" + version + "-javadoc.jar")
                        .toFile())) {
            assertTrue(sources.getEntry("dev/vpclattice/client/LatticeClient.java") != null);
            assertTrue(javadoc.getEntry("index.html") != null);
            // The library is a named module (module-info), so javadoc files its pages under the module's name.
            assertTrue(javadoc.getEntry("dev.vpclattice.client/dev/vpclattice/client/LatticeClient.html") != null);
            assertTrue(
                    javadoc.stream().noneMatch(entry -> entry.getName().contains("/internal/")),
                    "internal packages are not API and stay out of the Javadoc");
        }
    }

    @Test
    void aJava17ProjectImportingTheBom_getsTheLibraryAndTheSdkModulesItBuiltAgainst() throws Exception {
        Path jdk17 = jdk17();
        assertTrue(jdk17 != null, "no JDK 17 in the build's toolchains file (scripts/java-home 17 says why)");
        Path consumer = work.resolve("consumer");
        Files.createDirectories(consumer.resolve("src/main/java/com/example"));
        Files.writeString(consumer.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>orders-service</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>dev.vpclattice</groupId>
                        <artifactId>lattice-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>dev.vpclattice</groupId>
                      <artifactId>lattice-client-sdk</artifactId>
                    </dependency>
                    <!-- An SDK module the library does not use: its version comes from the SDK BOM that lattice-bom imports. -->
                    <dependency>
                      <groupId>software.amazon.awssdk</groupId>
                      <artifactId>url-connection-client</artifactId>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.0</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version));
        Files.writeString(consumer.resolve("src/main/java/com/example/Orders.java"), """
                package com.example;

                import dev.vpclattice.client.LatticeClient;
                import software.amazon.awssdk.regions.Region;

                public final class Orders {
                    public static LatticeClient client() {
                        return LatticeClient.builder().region(Region.US_EAST_1).build();
                    }
                }
                """);

        Path dependencies = work.resolve("dependencies.txt");
        run(
                consumer,
                Map.of("JAVA_HOME", jdk17.toString(), "PATH", jdk17.resolve("bin") + ":" + System.getenv("PATH")),
                "mvn",
                "-B",
                "-q",
                "-Dstyle.color=never",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repository,
                "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
                "-DoutputFile=" + dependencies);

        String listed = Files.readString(dependencies);
        assertTrue(listed.contains("dev.vpclattice:lattice-client-sdk:jar:" + version + ":compile"), listed);
        String sdk = BomTest.text(BomTest.child(BomTest.pom(ROOT.resolve("pom.xml")), "properties"), "awssdk.version");
        assertTrue(listed.contains("software.amazon.awssdk:url-connection-client:jar:" + sdk + ":compile"), listed);
        assertTrue(listed.contains("software.amazon.awssdk:regions:jar:" + sdk + ":compile"), listed);
        try (InputStream in = Files.newInputStream(consumer.resolve("target/classes/com/example/Orders.class"));
                DataInputStream data = new DataInputStream(in)) {
            data.readInt();
            data.readUnsignedShort();
            assertEquals(61, data.readUnsignedShort(), "compiled for Java 17 against the library");
        }
    }

    static String run(Path directory, Map<String, String> env, String... command) throws Exception {
        Path output = Files.createTempFile(work, "output", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        if (env.containsKey("JAVA_HOME")) {
            builder.environment()
                    .remove("MAVEN_OPTS"); // options for the outer build's JDK, not necessarily valid on 17
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                    String.join(" ", command) + " did not finish in 8 minutes:\n" + Files.readString(output));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(
                0, process.exitValue(), () -> String.join(" ", command) + " failed in " + directory + ":\n" + text);
        return text;
    }

    /** The JDK 17 of the build's toolchains file (scripts/java-home reads it). */
    static Path jdk17() throws Exception {
        Process process = new ProcessBuilder(ROOT.resolve("scripts/java-home").toString(), "17")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String home = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 && !home.isEmpty() ? Path.of(home) : null;
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> names.add(file.getFileName().toString()));
        } catch (IOException e) {
            names.add(e.toString());
        }
        return names;
    }
}
