package dev.vpclattice.lambda.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The java25 runtime's AOT cache for the runtime interface client, emulated on the local JDK: trained once by running
 * the runtime client with a trivial handler under exactly the runtime's JVM flags and {@code -XX:AOTCacheOutput}, then
 * passed to every runtime as {@code -XX:AOTCache}.
 *
 * <p>The file name is a SHA-256 over everything the cache depends on: the runtime client's jars (their bytes), the JVM
 * flags, and the JDK (its {@code release} file, and the size and modification time of its module image and
 * {@code libjvm.so}). A JDK 25 before 25.0.4 does not notice when a class-path jar of an AOT cache has changed
 * (JDK-8377932) and would run the cached classes; with the jars' bytes in the name, a changed jar gets a new cache
 * and the old one is never opened again. The handler's classes are not in it: the runtime client loads them from the
 * task directory through its own class loader, which the JVM does not archive from a directory.
 */
final class RuntimeClientAotCache {
    /** The system property that names the directory caches are kept in. */
    static final String DIRECTORY_PROPERTY = "lambda.local.aot.dir";

    private static final Duration TRAINING_EXIT = Duration.ofMinutes(3);

    /**
     * The trivial handler the cache is trained with, by name: it implements aws-lambda-java-core's handler interface,
     * which this JVM may lack (the runtime client's jars can come from elsewhere), so this JVM never loads it.
     */
    static final String TRAINING_HANDLER = "dev.vpclattice.lambda.local.internal.AotTrainingHandler";

    private static final Set<Path> FAILED = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path javaHome;
    private final List<Path> runtimeClasspath;
    private final LambdaRuntime runtime;
    private final boolean snapStart;
    private final int memorySize;

    private RuntimeClientAotCache(
            Path file,
            Path javaHome,
            List<Path> runtimeClasspath,
            LambdaRuntime runtime,
            boolean snapStart,
            int memorySize) {
        this.file = file;
        this.javaHome = javaHome;
        this.runtimeClasspath = runtimeClasspath;
        this.runtime = runtime;
        this.snapStart = snapStart;
        this.memorySize = memorySize;
    }

    /**
     * Names the cache for a runtime configuration; nothing is trained yet.
     *
     * @param directory where caches are kept
     * @param javaHome the JDK that runs the runtime
     * @param runtimeClasspath the runtime client's jars, in class-path order
     * @param flags the JVM flags of every runtime started with the cache (the training runs with the same)
     * @param runtime the runtime emulated
     * @param snapStart whether environments initialise for SnapStart
     * @param memorySize the function's memory size (the heap cap is part of the flags)
     * @return the cache
     */
    static RuntimeClientAotCache of(
            Path directory,
            Path javaHome,
            List<Path> runtimeClasspath,
            List<String> flags,
            LambdaRuntime runtime,
            boolean snapStart,
            int memorySize) {
        MessageDigest digest = sha256();
        update(digest, "lambda-runtime-local AOT cache 1");
        update(digest, javaHome.toAbsolutePath().normalize().toString());
        for (String jdkFile : List.of("release", "lib/modules", "lib/server/libjvm.so")) {
            Path p = javaHome.resolve(jdkFile);
            try {
                update(digest, jdkFile + " " + Files.size(p) + " " + Files.getLastModifiedTime(p));
                if (jdkFile.equals("release")) {
                    digest.update(Files.readAllBytes(p));
                }
            } catch (IOException e) {
                update(digest, jdkFile + " missing");
            }
        }
        for (Path entry : runtimeClasspath) {
            update(digest, entry.getFileName().toString());
            update(digest, contentHash(entry));
        }
        flags.forEach(flag -> update(digest, flag));
        update(digest, snapStart ? "snap-start" : "on-demand");
        String key = HexFormat.of().formatHex(digest.digest()).substring(0, 24);
        Path file = directory.toAbsolutePath().resolve("runtime-client-" + runtime.identifier() + "-" + key + ".aot");
        return new RuntimeClientAotCache(file, javaHome, List.copyOf(runtimeClasspath), runtime, snapStart, memorySize);
    }

    /** The default directory: the system property, else one per user under the JDK's temporary directory. */
    static Path defaultDirectory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "lambda-runtime-local-" + System.getProperty("user.name"))
                .resolve("aot");
    }

    /**
     * Returns the cache file.
     *
     * @return the cache file, whether or not it exists yet
     */
    Path file() {
        return file;
    }

    /**
     * Makes sure the cache exists, training it if it does not. Runs at most one training per file across processes
     * (a file lock); a training that failed is not retried by this JVM.
     *
     * @param log where the training's progress and failures go
     * @return whether the cache is there to use
     */
    boolean ensure(Consumer<String> log) {
        if (Files.isRegularFile(file)) {
            return true;
        }
        if (FAILED.contains(file)) {
            return false;
        }
        synchronized (RuntimeClientAotCache.class) {
            try {
                Files.createDirectories(file.getParent());
                Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel channel =
                                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    if (Files.isRegularFile(file)) {
                        return true;
                    }
                    train(log);
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                FAILED.add(file);
                log.accept("lambda-runtime-local: no AOT cache for the runtime interface client, running without one: "
                        + e.getMessage());
                return false;
            }
        }
    }

    /** One training run: the runtime client with the trivial handler, three invocations, then a graceful exit. */
    private void train(Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        log.accept("lambda-runtime-local: training the " + runtime.identifier() + " runtime client's AOT cache "
                + (snapStart ? "(SnapStart) " : "") + "once, into " + file);
        Path work = Files.createTempDirectory(file.getParent(), "training-");
        Path output = work.resolve("cache.aot");
        List<String> lines = new ArrayList<>();
        try {
            Path handlerClass = work.resolve("task").resolve(TRAINING_HANDLER.replace('.', '/') + ".class");
            Files.createDirectories(handlerClass.getParent());
            String resource = "/" + TRAINING_HANDLER.replace('.', '/') + ".class";
            try (InputStream in = RuntimeClientAotCache.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("the training handler " + resource + " is not on the class path");
                }
                Files.copy(in, handlerClass);
            }
            try (LocalLambda trainer = LocalLambda.builder()
                    .functionDirectory(work.resolve("task"))
                    .handler(TRAINING_HANDLER)
                    .functionName("aot-training")
                    .javaHome(javaHome)
                    .runtime(runtime)
                    .snapStart(snapStart)
                    .memorySize(memorySize)
                    .runtimeClasspath(runtimeClasspath)
                    .runtimeClientAotCache(false)
                    .jvmArguments(List.of("-XX:AOTCacheOutput=" + output))
                    .environment(Map.of())
                    .logSink(line -> {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    })
                    .build()) {
                for (int i = 0; i < 3; i++) {
                    LambdaInvocation result =
                            trainer.invoke("{\"training\":[1,2.5,true,null,\"x\"]}".getBytes(StandardCharsets.UTF_8));
                    if (result.status() != LambdaInvocation.Status.SUCCESS) {
                        throw new IOException("the training run failed: " + result.payloadAsString());
                    }
                }
                // The JVM records what it loaded and assembles the cache as it exits.
                trainer.stopGracefully(TRAINING_EXIT);
            }
            if (!Files.isRegularFile(output) || Files.size(output) == 0) {
                throw new IOException("the training run wrote no cache; its output: " + String.join(" | ", lines));
            }
            try {
                Files.move(output, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(output, file, StandardCopyOption.REPLACE_EXISTING);
            }
            log.accept("lambda-runtime-local: AOT cache trained in " + (System.nanoTime() - start) / 1_000_000 + " ms, "
                    + Files.size(file) / 1024 + " KB");
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left for the temporary directory's own cleaning.
                }
            });
        } catch (IOException e) {
            // Same.
        }
    }

    /** Hashes already computed in this JVM, by path, size and modification time. */
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    private static String contentHash(Path entry) {
        if (!Files.isRegularFile(entry)) {
            return hashOf(entry);
        }
        try {
            String id = entry.toAbsolutePath() + "|" + Files.size(entry) + "|" + Files.getLastModifiedTime(entry);
            return HASHES.computeIfAbsent(id, k -> hashOf(entry));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + entry, e);
        }
    }

    private static String hashOf(Path entry) {
        MessageDigest digest = sha256();
        try {
            if (Files.isRegularFile(entry)) {
                try (InputStream in = Files.newInputStream(entry)) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            } else {
                // A class directory: its files' names, sizes and times.
                try (var files = Files.walk(entry)) {
                    for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                        update(digest, entry.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + entry, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
