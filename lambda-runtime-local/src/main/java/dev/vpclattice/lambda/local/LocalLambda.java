package dev.vpclattice.lambda.local;

import dev.vpclattice.lambda.local.internal.ProcessMeter;
import dev.vpclattice.lambda.local.internal.RuntimeClasspath;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a Lambda function locally in the real Lambda Java runtime interface client, as Lambda runs it: a child JVM
 * whose working directory is the function's artifact directory (classes at its root, {@code lib/*.jar}), talking to
 * a {@link RuntimeApiServer} on loopback in this JVM.
 *
 * <p>One instance is one warm execution environment: the first {@link #invoke(byte[])} starts the runtime, later
 * ones reuse it, and an invoke after the process died or was killed for a timeout starts a fresh one. Like one
 * Lambda execution environment it runs one invocation at a time: concurrent callers wait their turn. Thread-safe.
 *
 * <p>The child gets a Lambda-like environment and nothing else from this process: {@code AWS_LAMBDA_RUNTIME_API},
 * {@code _HANDLER}, {@code LAMBDA_TASK_ROOT}, {@code AWS_LAMBDA_FUNCTION_NAME}, {@code
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, {@code AWS_LAMBDA_FUNCTION_VERSION}, {@code AWS_REGION}, {@code
 * AWS_DEFAULT_REGION}, {@code AWS_EXECUTION_ENV}, {@code TZ=:UTC}, {@code PATH}, {@code LANG}, {@code
 * LD_LIBRARY_PATH} (the task root and its {@code lib/}, as in Lambda), then the builder's
 * {@link Builder#environment(Map)}. Credentials are never inherited: pass them deliberately.
 *
 * <p>Each invocation reports Lambda's times ({@link LambdaInvocation#invocationDuration()},
 * {@link LambdaInvocation#initDuration()}) and peak memory, and a Lambda-style {@code REPORT} line goes to the log.
 * The runtime's output is kept per instance ({@link #logLines()}, {@link #awaitLogLine(Predicate, Duration)}) as well
 * as passed to the log sink.
 *
 * <pre>{@code
 * try (LocalLambda fn = LocalLambda.builder()
 *         .functionDirectory(Path.of("target/artifact"))
 *         .handler("com.example.Handler::handleRequest")
 *         .build()) {
 *     LambdaInvocation result = fn.invoke(eventJson);
 * }
 * }</pre>
 */
public final class LocalLambda implements AutoCloseable {
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Set<String> RESERVED = Set.of("AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT");
    private static final String ACCOUNT = "123456789012";
    private static final Pattern HANDLER = Pattern.compile("[^\\s:]+(::[^\\s:]+)?");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final Path functionDirectory;
    private final String handler;
    private final String functionName;
    private final String region;
    private final int memorySize;
    private final Duration timeout;
    private final Duration initTimeout;
    private final Map<String, String> environment;
    private final List<String> command;
    private final RuntimeClientAotCache aotCache;
    private final Consumer<String> logSink;
    private final Path javaHome;
    private final boolean traceSampled;
    private final Path classLoadLog;
    private final Deque<String> log = new ArrayDeque<>();
    private long logChars;
    private final ReentrantLock invokeLock = new ReentrantLock();
    private final Object environmentLock = new Object();
    private Environment current;
    private volatile boolean closed;

    private LocalLambda(DefaultBuilder b) {
        this.functionDirectory = b.functionDirectory.toAbsolutePath().normalize();
        this.handler = b.handler;
        this.functionName = b.functionName;
        this.region = b.region;
        this.memorySize = b.memorySize;
        this.timeout = b.timeout;
        this.initTimeout = b.initTimeout;
        this.logSink = b.logSink;
        this.traceSampled = b.traceSampled;
        this.classLoadLog = b.classLoadLog;
        this.javaHome = b.javaHome != null ? b.javaHome : defaultJavaHome();
        List<Path> runtimeClasspath = b.runtimeClasspath != null
                ? List.copyOf(b.runtimeClasspath)
                : RuntimeClasspath.discover(LocalLambda.class.getClassLoader());

        Map<String, String> env = new LinkedHashMap<>();
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", functionDirectory.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memorySize));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", b.snapStart ? "snap-start" : "on-demand");
        env.put("AWS_EXECUTION_ENV", b.runtime.executionEnvironment());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
        // Lambda's includes $LAMBDA_TASK_ROOT and $LAMBDA_TASK_ROOT/lib, so a native library shipped in the artifact's
        // lib/ is on the JVM's java.library.path (System.loadLibrary finds it without extracting it from a jar).
        env.put("LD_LIBRARY_PATH", functionDirectory + File.pathSeparator + functionDirectory.resolve("lib"));
        env.putAll(b.environment);
        this.environment = Map.copyOf(env);

        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        RuntimeClientAotCache cache = null;
        if (b.defaultJvmArguments) {
            List<String> flags = new ArrayList<>();
            flags.add("-XX:MaxHeapSize=" + (memorySize * 85L / 100) + "m");
            flags.addAll(b.runtime.jvmArguments(b.snapStart));
            if (featureVersion(javaHome) >= 22) {
                // The runtime client loads its JNI library; newer JDKs warn about that on every start otherwise.
                flags.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.addAll(flags);
            if (b.runtime.runtimeClientAotCache()
                    && b.runtimeClientAotCache
                    && featureVersion(javaHome) >= 25
                    && !sharingConfigured(b.jvmArguments, b.environment)) {
                cache = RuntimeClientAotCache.of(
                        b.aotCacheDirectory != null ? b.aotCacheDirectory : RuntimeClientAotCache.defaultDirectory(),
                        javaHome,
                        runtimeClasspath,
                        flags,
                        b.runtime,
                        b.snapStart,
                        memorySize);
                cmd.add(AOT_CACHE_FLAG + cache.file());
            }
        }
        this.aotCache = cache;
        privateJniLibrary(runtimeClasspath).ifPresent(lib -> cmd.add("-D" + JNI_PROPERTY + "=" + lib));
        if (classLoadLog != null) {
            // One bare line per class, flushed as it is written: counting lines while the runtime waits is exact.
            cmd.add("-Xlog:class+load=info:file=\"" + classLoadLog + "\":none:filecount=0");
        }
        cmd.addAll(b.jvmArguments);
        cmd.add("-cp");
        cmd.add(String.join(
                File.pathSeparator,
                runtimeClasspath.stream().map(Path::toString).toList()));
        cmd.add(RIC_MAIN);
        cmd.add(handler);
        this.command = List.copyOf(cmd);
    }

    /** The system property that names the JDK running functions when the builder names none. */
    public static final String JAVA_HOME_PROPERTY = "lambda.local.java.home";

    /** The runtime client loads its JNI library from this path when set, instead of its shared copy. */
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private static final Object JNI_LOCK = new Object();
    private static Optional<Path> jniLibrary;

    /**
     * Without the property, every runtime client start copies its JNI library over the one fixed file
     * {@code /tmp/.libaws-lambda-jni.so} and loads it: a second runtime starting meanwhile, from any process on the
     * machine, rewrites the file under the first one's mapping, which then dies of SIGBUS in the dynamic loader.
     * So the library is copied once per JVM into a private directory, and every child loads that copy.
     */
    private static Optional<Path> privateJniLibrary(List<Path> runtimeClasspath) {
        synchronized (JNI_LOCK) {
            if (jniLibrary != null) {
                return jniLibrary;
            }
            jniLibrary = Optional.empty();
            String arch = System.getProperty("os.arch");
            String name = arch.equals("amd64") || arch.equals("x86_64")
                    ? "libaws-lambda-jni.linux-x86_64.so"
                    : arch.equals("aarch64") ? "libaws-lambda-jni.linux-aarch_64.so" : null;
            if (name == null || !System.getProperty("os.name").startsWith("Linux")) {
                return jniLibrary;
            }
            for (Path entry : runtimeClasspath) {
                if (!Files.isRegularFile(entry)) {
                    continue;
                }
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry.toFile())) {
                    java.util.jar.JarEntry lib = jar.getJarEntry("jni/" + name);
                    if (lib == null) {
                        continue;
                    }
                    Path dir = Files.createTempDirectory("lambda-runtime-local-jni");
                    Path target = dir.resolve(name);
                    try (java.io.InputStream in = jar.getInputStream(lib)) {
                        Files.copy(in, target);
                    }
                    dir.toFile().deleteOnExit();
                    target.toFile().deleteOnExit();
                    jniLibrary = Optional.of(target);
                    return jniLibrary;
                } catch (IOException e) {
                    // Leave the runtime client to its own copy.
                    return jniLibrary;
                }
            }
            return jniLibrary;
        }
    }

    private static Path defaultJavaHome() {
        String configured = System.getProperty(JAVA_HOME_PROPERTY);
        return Path.of(configured != null && !configured.isBlank() ? configured : System.getProperty("java.home"));
    }

    private static int featureVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown layout: assume an older JDK and leave the flag out.
        }
        return 0;
    }

    private static final String AOT_CACHE_FLAG = "-XX:AOTCache=";

    /**
     * Whether the caller's flags or environment choose class-data sharing themselves: an AOT cache cannot be combined
     * with any {@code -Xshare} option or a CDS archive (the JVM refuses to start), and a cache of the caller's own wins.
     */
    private static boolean sharingConfigured(List<String> jvmArguments, Map<String, String> environment) {
        List<String> all = new ArrayList<>(jvmArguments);
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            String value = environment.get(variable);
            if (value != null) {
                all.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        return all.stream()
                .anyMatch(a -> a.startsWith("-Xshare:")
                        || a.startsWith("-XX:SharedArchiveFile")
                        || a.startsWith("-XX:AOTCache")
                        || a.startsWith("-XX:AOTMode")
                        || a.startsWith("-XX:AOTConfiguration")
                        || a.startsWith("-XX:ArchiveClassesAtExit"));
    }

    /**
     * Starts a builder. Required: {@link Builder#functionDirectory(Path)} and {@link Builder#handler(String)}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new DefaultBuilder();
    }

    /**
     * Invokes the function with an event and waits for the answer. Starts the runtime first if it is not running.
     *
     * <p>The wait is bounded: up to the init timeout for a cold runtime to take the event, then up to the function
     * timeout for the answer. On a timeout the runtime process is killed, as Lambda does, and the next call starts
     * a new one.
     *
     * @param eventJson the event, normally JSON; required
     * @return the outcome; never null. Function errors, init failures and crashes are
     *     {@link LambdaInvocation.Status#FUNCTION_ERROR}, not exceptions
     * @throws IllegalStateException if this instance is closed
     * @throws UncheckedIOException if the runtime process cannot be started
     */
    public LambdaInvocation invoke(byte[] eventJson) {
        Objects.requireNonNull(eventJson, "eventJson");
        prepareStart();
        long start = System.nanoTime();
        invokeLock.lock();
        try {
            Environment env = ensureStarted();
            boolean cold = !env.invoked;
            env.invoked = true;
            RuntimeApiServer.Submission s = env.server.submit(eventJson, timeout);
            if (!env.process.isAlive()) {
                // It died between the liveness check and the submit; its exit hook may already have run.
                env.server.failOutstanding(
                        LambdaInvocation.Status.FUNCTION_ERROR,
                        RuntimeApiServer.errorJson("Runtime.ExitError", "Runtime exited before taking the event"));
            }
            LambdaInvocation result;
            try {
                s.delivered().get(initTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return finish(
                        env,
                        cold,
                        timedOut(
                                env,
                                s,
                                "The runtime did not ask for the event within the init " + "timeout of "
                                        + seconds(initTimeout),
                                start));
            }
            try {
                result = s.result().get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return finish(env, cold, timedOut(env, s, "Task timed out after " + seconds(timeout), start));
            }
            return finish(env, cold, result.withDuration(Duration.ofNanos(System.nanoTime() - start)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the function " + functionName, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The invocation of " + functionName + " failed unexpectedly", e.getCause());
        } finally {
            invokeLock.unlock();
        }
    }

    /** Adds the environment's init, CPU and memory figures, explains a JVM too old for the code, logs the report. */
    private LambdaInvocation finish(Environment env, boolean cold, LambdaInvocation result) {
        Duration init = null;
        Duration restore = null;
        if (cold) {
            init = env.server.initDone().isDone() && !env.server.initDone().isCompletedExceptionally()
                    ? Duration.ofNanos(env.server.initDone().join() - env.launchedNanos)
                    : null;
            restore = env.server.restoreDuration().orElse(null);
        }
        LambdaInvocation out = result.withEnvironment(
                init, restore, peakResidentBytes(env.process), env.meter.usage(result.requestId(), cold));
        if (out.status() == LambdaInvocation.Status.FUNCTION_ERROR) {
            out = explainClassVersion(out);
            if (env.server.initError().isPresent()) {
                // An init error ends the environment, as in Lambda: the next invoke initialises a fresh one.
                stop(env);
            }
        }
        record(out.reportLine(memorySize));
        return out;
    }

    private static final Pattern CLASS_VERSION =
            Pattern.compile("class file version (\\d+)(?:\\.\\d+)?\\).*?up to (\\d+)", Pattern.DOTALL);

    /**
     * The runtime reports a class compiled for a newer Java as an {@code UnsupportedClassVersionError} whose text
     * names class file versions; say which JDK is needed and how to pick it.
     */
    private LambdaInvocation explainClassVersion(LambdaInvocation result) {
        Matcher m = CLASS_VERSION.matcher(result.payloadAsString());
        if (!result.payloadAsString().contains("UnsupportedClassVersionError") || !m.find()) {
            return result;
        }
        int needed = Integer.parseInt(m.group(1)) - 44;
        int running = Integer.parseInt(m.group(2)) - 44;
        String message = "The function's classes need Java " + needed + " or newer (class file version " + m.group(1)
                + "), but the runtime JVM " + javaHome + " is Java " + running + ". Run the function with a JDK "
                + needed + "+: LocalLambda.builder().javaHome(...) or -D" + JAVA_HOME_PROPERTY + "=<JDK home>. "
                + "The runtime said: " + result.payloadAsString();
        return result.withPayload(RuntimeApiServer.errorJson("Runtime.UnsupportedClassVersion", message));
    }

    /** VmHWM of /proc/PID/status: the peak resident set size, which is what Lambda reports as Max Memory Used. */
    private static long peakResidentBytes(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone.
        }
        return -1;
    }

    private LambdaInvocation timedOut(Environment env, RuntimeApiServer.Submission s, String message, long start) {
        stop(env);
        byte[] payload = RuntimeApiServer.errorJson("Sandbox.Timedout", s.requestId() + " " + message);
        return new LambdaInvocation(
                s.requestId(), LambdaInvocation.Status.TIMEOUT, payload, Duration.ofNanos(System.nanoTime() - start));
    }

    private static String seconds(Duration d) {
        return String.format("%.2f seconds", d.toMillis() / 1000.0);
    }

    private Environment ensureStarted() {
        synchronized (environmentLock) {
            if (closed) {
                throw new IllegalStateException("LocalLambda " + functionName + " is closed");
            }
            if (current != null && current.process.isAlive()) {
                return current;
            }
            if (current != null) {
                stop(current);
            }
            current = startEnvironment();
            return current;
        }
    }

    /** Trains the runtime client's AOT cache, if one is due, before anything of an invocation is timed. */
    private void prepareStart() {
        if (aotCache == null) {
            return;
        }
        synchronized (environmentLock) {
            if (current != null && current.process.isAlive()) {
                return;
            }
        }
        aotCache.ensure(this::record);
    }

    private Environment startEnvironment() {
        RuntimeApiServer server =
                RuntimeApiServer.start("arn:aws:lambda:" + region + ":" + ACCOUNT + ":function:" + functionName);
        server.traceSampled(traceSampled);
        Meter meter = new Meter(classLoadLog);
        server.phaseHook(meter::at);
        List<String> cmd = command;
        if (aotCache != null && !aotCache.ensure(this::record)) {
            cmd = command.stream()
                    .filter(arg -> !arg.startsWith(AOT_CACHE_FLAG))
                    .toList();
        }
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(functionDirectory.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", server.address());
        Process process;
        long launched = System.nanoTime();
        try {
            process = pb.start();
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(
                    "Could not start the Lambda runtime for " + functionName + " with " + cmd.get(0), e);
        }
        meter.pid = process.pid();
        Thread pump = new Thread(() -> pump(process), "lambda-log-" + functionName);
        pump.setDaemon(true);
        pump.start();
        process.onExit()
                .thenAccept(p -> server.failOutstanding(
                        LambdaInvocation.Status.FUNCTION_ERROR,
                        RuntimeApiServer.errorJson(
                                "Runtime.ExitError", "Runtime exited with error: exit status " + p.exitValue())));
        return new Environment(server, process, pump, launched, meter);
    }

    /** Reads the runtime's output line by line, never holding more than {@value #MAX_LOG_LINE_CHARS} of a line. */
    private void pump(Process process) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            long cut = 0;
            char[] buffer = new char[8192];
            for (int read = r.read(buffer); read >= 0; read = r.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        record(cutLine(line, cut));
                        line.setLength(0);
                        cut = 0;
                    } else if (line.length() < MAX_LOG_LINE_CHARS) {
                        line.append(c);
                    } else {
                        cut++;
                    }
                }
            }
            if (line.length() > 0 || cut > 0) {
                record(cutLine(line, cut));
            }
        } catch (IOException e) {
            // The process is gone; nothing left to read.
        }
    }

    private static String cutLine(StringBuilder line, long cut) {
        int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
        String kept = line.substring(0, end);
        return cut == 0 ? kept : kept + "...(" + cut + " more characters not kept)";
    }

    private void record(String line) {
        synchronized (log) {
            while (!log.isEmpty() && (log.size() >= LOG_CAPACITY || logChars + line.length() > LOG_CAPACITY_CHARS)) {
                logChars -= log.removeFirst().length();
            }
            log.addLast(line);
            logChars += line.length();
            log.notifyAll();
        }
        try {
            logSink.accept(line);
        } catch (RuntimeException e) {
            // A faulty sink must not block the child on a full pipe; keep draining.
        }
    }

    /** How many of the runtime's latest output lines an instance keeps. */
    public static final int LOG_CAPACITY = 10_000;

    /** How many characters of the runtime's latest output an instance keeps, all lines together. */
    public static final int LOG_CAPACITY_CHARS = 4 * 1024 * 1024;

    /** The longest line kept: the rest of a longer one is dropped as it is read, and the line says how much. */
    public static final int MAX_LOG_LINE_CHARS = 64 * 1024;

    /**
     * Returns the runtime's output so far: every line its processes wrote to stdout or stderr, and the
     * {@code REPORT} line after each invocation, oldest first: the latest {@value #LOG_CAPACITY} lines, at most
     * {@value #LOG_CAPACITY_CHARS} characters in all, each line cut at {@value #MAX_LOG_LINE_CHARS}. Each instance
     * keeps its own.
     *
     * @return a snapshot of the lines
     */
    public List<String> logLines() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /**
     * Waits until the runtime has written a matching line, or the timeout passes. The runtime's output arrives
     * through a pipe, independently of its answers to the Runtime API: a line written during an invocation may be
     * read after {@link #invoke(byte[])} returned, so wait for it rather than look once.
     *
     * @param matcher what the line must satisfy; required
     * @param timeout how long to wait; required
     * @return the first matching line kept, or empty if none arrived in time
     */
    public Optional<String> awaitLogLine(Predicate<String> matcher, Duration timeout) {
        Objects.requireNonNull(matcher, "matcher");
        long deadline =
                System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
        synchronized (log) {
            while (true) {
                for (String line : log) {
                    if (matcher.test(line)) {
                        return Optional.of(line);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(log, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    private void stop(Environment env) {
        env.process.destroyForcibly();
        try {
            env.process.waitFor(10, TimeUnit.SECONDS);
            env.pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        env.server.close();
        synchronized (environmentLock) {
            if (current == env) {
                current = null;
            }
        }
    }

    /**
     * Returns the process id of the running runtime, or -1 when none is running.
     *
     * @return the process id of the running runtime, or -1 when none is running (before the first invoke, after a
     *     timeout or crash)
     */
    public long pid() {
        synchronized (environmentLock) {
            return current != null && current.process.isAlive() ? current.process.pid() : -1;
        }
    }

    /**
     * Returns the command line the runtime is started with.
     *
     * @return the command line the runtime is started with (java, JVM flags, classpath, main class, handler); a
     *     runtime whose AOT cache could not be trained starts without its {@code -XX:AOTCache} flag
     */
    public List<String> command() {
        return command;
    }

    /** Kills the runtime process and stops its Runtime API server. Idempotent. */
    @Override
    public void close() {
        synchronized (environmentLock) {
            closed = true;
            if (current != null) {
                stop(current);
                current = null;
            }
        }
    }

    /**
     * Stops the runtime as Lambda shuts an environment down, with SIGTERM, and waits for the JVM to exit, so that what
     * it does at exit (writing an AOT cache) completes; kills it if it has not exited in time. Then closes this
     * instance.
     */
    void stopGracefully(Duration timeout) {
        synchronized (environmentLock) {
            if (current != null) {
                // Through the handle: Process.destroy() would also close the pipe the JVM is still writing to.
                current.process.toHandle().destroy();
                try {
                    if (!current.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        record("lambda-runtime-local: the runtime did not exit within " + seconds(timeout)
                                + " of SIGTERM; killing it");
                    }

                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        close();
    }

    /** One runtime process and its Runtime API server. */
    private static final class Environment {
        final RuntimeApiServer server;
        final Process process;
        final Thread pump;
        final long launchedNanos;
        final Meter meter;
        boolean invoked;

        Environment(RuntimeApiServer server, Process process, Thread pump, long launchedNanos, Meter meter) {
            this.server = server;
            this.process = process;
            this.pump = pump;
            this.launchedNanos = launchedNanos;
            this.meter = meter;
        }
    }

    /**
     * Reads the runtime's CPU time and class count at each phase of the Runtime API, on the server's thread while the
     * runtime waits for the answer, so the reading itself is in no Duration.
     */
    private static final class Meter {
        private final Path classLoadLog;
        volatile long pid = -1;
        private volatile ProcessMeter.Sample initEnd = ProcessMeter.Sample.UNKNOWN;
        private volatile Phased delivery;
        private volatile Phased answer;

        private record Phased(String requestId, ProcessMeter.Sample sample) {}

        Meter(Path classLoadLog) {
            this.classLoadLog = classLoadLog;
        }

        void at(RuntimeApiServer.Phase phase, String requestId) {
            long p = pid;
            ProcessMeter.Sample sample = p < 0 ? ProcessMeter.Sample.UNKNOWN : ProcessMeter.sample(p, classLoadLog);
            switch (phase) {
                case INIT_END -> initEnd = sample;
                case DELIVERY -> delivery = new Phased(requestId, sample);
                case ANSWER -> answer = new Phased(requestId, sample);
            }
        }

        LambdaInvocation.Usage usage(String requestId, boolean cold) {
            ProcessMeter.Sample start = sampleOf(delivery, requestId);
            ProcessMeter.Sample end = sampleOf(answer, requestId);
            ProcessMeter.Sample init = cold ? initEnd : ProcessMeter.Sample.UNKNOWN;
            boolean both = start != ProcessMeter.Sample.UNKNOWN && end != ProcessMeter.Sample.UNKNOWN;
            return new LambdaInvocation.Usage(
                    init.processCpuNanos(),
                    both ? end.threadCpuNanosSince(start) : -1,
                    end.processCpuNanos(),
                    init.classesLoaded(),
                    start.classesLoaded(),
                    end.classesLoaded());
        }

        private static ProcessMeter.Sample sampleOf(Phased phased, String requestId) {
            return phased != null && phased.requestId().equals(requestId)
                    ? phased.sample()
                    : ProcessMeter.Sample.UNKNOWN;
        }
    }

    /** Configures a {@link LocalLambda}. Not thread-safe. */
    public interface Builder {
        /**
         * Sets the artifact directory.
         *
         * @param functionDirectory the artifact directory, as {@code sam build} lays it out: classes at the root,
         *     dependencies as {@code lib/*.jar}; becomes the runtime's working directory and task root. Required.
         * @return this builder
         */
        Builder functionDirectory(Path functionDirectory);

        /**
         * Sets the handler, as in the Lambda configuration.
         *
         * @param handler the handler as in the Lambda configuration, {@code package.Class} or
         *     {@code package.Class::method}. Required.
         * @return this builder
         * @throws IllegalArgumentException if it is blank, holds white space or is not of either form
         */
        Builder handler(String handler);

        /**
         * Sets the {@code AWS_LAMBDA_FUNCTION_NAME}, also used in the function ARN.
         *
         * @param functionName the {@code AWS_LAMBDA_FUNCTION_NAME}, also used in the function ARN: 1 to 64
         *     letters, digits, hyphens and underscores, as Lambda allows; defaults to {@code local-function}
         * @return this builder
         * @throws IllegalArgumentException if it is not such a name
         */
        Builder functionName(String functionName);

        /**
         * Sets the {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}.
         *
         * @param region the {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}; defaults to {@code us-east-1}
         * @return this builder
         * @throws IllegalArgumentException if it does not look like a region, such as {@code eu-west-1}
         */
        Builder region(String region);

        /**
         * Sets the {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} in MB, 128 to 10240.
         *
         * @param memorySize the {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} in MB, 128 to 10240; the heap is capped at
         *     85% of it as Lambda does. Defaults to 512.
         * @return this builder
         * @throws IllegalArgumentException if it is outside 128 to 10240
         */
        Builder memorySize(int memorySize);

        /**
         * Sets how long the function may run once it has the event.
         *
         * @param timeout how long the function may run once it has the event; the deadline it sees is delivery time
         *     plus this. Defaults to 30 seconds.
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        Builder timeout(Duration timeout);

        /**
         * Sets how long a starting runtime may take to load the handler and ask for its first event.
         *
         * @param initTimeout how long a starting runtime may take to load the handler and ask for its first event.
         *     Defaults to 30 seconds, more than Lambda's 10, because a local JVM start competes with builds.
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        Builder initTimeout(Duration initTimeout);

        /**
         * Adds environment variables for the function (replacing earlier values of the same names). They may
         * override the defaults (for example {@code AWS_REGION}) but not {@code AWS_LAMBDA_RUNTIME_API},
         * {@code _HANDLER} or {@code LAMBDA_TASK_ROOT}. Defaults to none.
         *
         * @param environment the variables; required
         * @return this builder
         * @throws IllegalArgumentException naming a reserved variable
         */
        Builder environment(Map<String, String> environment);

        /**
         * Adds runtime JVM flags, after the defaults. Repeatable: each call adds to the earlier ones.
         *
         * @param jvmArguments extra runtime JVM flags, after the defaults (a later flag wins), for example
         *     {@code -Djavax.net.ssl.trustStore=...}; defaults to none
         * @return this builder
         */
        Builder jvmArguments(List<String> jvmArguments);

        /**
         * Sets whether to start the runtime with Lambda's JVM flags.
         *
         * @param enabled whether to start the runtime with the {@link #runtime(LambdaRuntime)}'s JVM flags and a heap
         *     cap of 85% of the memory size, as Lambda does; defaults to true
         * @return this builder
         */
        Builder defaultJvmArguments(boolean enabled);

        /**
         * Sets where the runtime's output goes.
         *
         * @param logSink receives each line the runtime writes to stdout or stderr, on a dedicated thread; defaults
         *     to printing to {@code System.err}
         * @return this builder
         */
        Builder logSink(Consumer<String> logSink);

        /**
         * Overrides where the runtime client's jars come from. By default they are discovered on this class's class
         * loader: the jars of {@code aws-lambda-java-runtime-interface-client}, {@code aws-lambda-java-core},
         * {@code aws-lambda-java-serialization} and {@code utils-lite} (a Maven test-scope dependency on this
         * module brings them). From a shaded jar that does not contain them, pass them here.
         *
         * @param runtimeClasspath the jars or class directories; required, not empty
         * @return this builder
         * @throws IllegalArgumentException if it is empty
         */
        Builder runtimeClasspath(List<Path> runtimeClasspath);

        /**
         * Sets the JDK or JRE whose {@code bin/java} runs the runtime. It must be at least the Java version the
         * function is compiled for (21 for the Lambda java21 runtime); an older one fails the invocation with
         * {@code Runtime.UnsupportedClassVersion}, naming both versions.
         *
         * @param javaHome the JDK or JRE home; defaults to the system property
         *     {@value LocalLambda#JAVA_HOME_PROPERTY} when
         *     set, else this JVM's {@code java.home}
         * @return this builder
         */
        Builder javaHome(Path javaHome);

        /**
         * Sets the managed runtime whose JVM settings the runtime starts with.
         *
         * <p>{@link LambdaRuntime#JAVA25} (the default): {@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1} on
         * demand and the JVM's default tiers after a SnapStart init, {@code -XX:+UseSerialGC}, and the runtime
         * client's classes from an AOT cache ({@link #runtimeClientAotCache(boolean)}). {@link LambdaRuntime#JAVA21}:
         * tier-1 compilation always, {@code -XX:+UseSerialGC -Xshare:auto}. Both add
         * {@code -Djava.net.preferIPv4Stack=true -Dfile.encoding=UTF-8} and Lambda's CRaC compatibility property, and
         * set {@code AWS_EXECUTION_ENV} to {@code AWS_Lambda_<runtime>}. The JDK is still {@link #javaHome(Path)}.
         *
         * @param runtime the runtime; required
         * @return this builder
         */
        Builder runtime(LambdaRuntime runtime);

        /**
         * Sets whether a {@link LambdaRuntime#JAVA25} runtime starts from an AOT cache of the runtime interface client,
         * as Lambda's java25 runtime does. The cache is trained once per JDK, runtime client jars, JVM flags and
         * memory size, on the first start that needs it (a few seconds, before anything is timed), and reused by every
         * later start, in this and other processes. It is used only on a JDK 25 or newer, with
         * {@link #defaultJvmArguments(boolean)} on, and not when the flags or {@code JAVA_TOOL_OPTIONS} choose
         * class-data sharing themselves ({@code -Xshare}, a CDS archive or an AOT cache of their own), which the JVM
         * could not combine with it. A training that fails is logged and the runtime starts without a cache.
         *
         * @param enabled whether to use the cache; defaults to true
         * @return this builder
         */
        Builder runtimeClientAotCache(boolean enabled);

        /**
         * Sets where the runtime client's AOT caches are kept.
         *
         * @param directory the directory; created when needed. Defaults to the system property
         *     {@code lambda.local.aot.dir} when set, else {@code lambda-runtime-local-<user>/aot} under the JDK's
         *     temporary directory
         * @return this builder
         */
        Builder aotCacheDirectory(Path directory);

        /**
         * Sets whether the runtime initialises as for SnapStart ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}):
         * the runtime client then calls {@code GET /runtime/restore/next} at the end of init, where Lambda takes the
         * snapshot, runs the {@code org.crac} hooks around it, and only then polls for the first event. Nothing is
         * snapshotted locally: the first invocation after such an init shows what a restored environment still has
         * to do. Defaults to false ({@code on-demand}).
         *
         * @param enabled whether to initialise as for SnapStart
         * @return this builder
         */
        Builder snapStart(boolean enabled);

        /**
         * Sets whether each event's trace header ({@code Lambda-Runtime-Trace-Id}) says the request was sampled
         * ({@code Sampled=1}), as under active tracing when X-Ray sampled it, or not ({@code Sampled=0}).
         *
         * @param sampled whether events carry {@code Sampled=1}; defaults to false
         * @return this builder
         */
        Builder traceSampled(boolean sampled);

        /**
         * Sets a file the runtime logs every class it loads to ({@code -Xlog:class+load}, one class per line), so that
         * each invocation reports how many classes were loaded by the end of init, at the event's delivery and at the
         * answer ({@link LambdaInvocation#classesLoadedAtInitEnd()} and the two after it), and the file says which.
         * A new runtime process (after a timeout or crash) starts the file afresh (no rotation). Logging costs a little time.
         *
         * @param file the log file; its directory must exist. Defaults to none: no class logging.
         * @return this builder
         */
        Builder classLoadLog(Path file);

        /**
         * Validates the configuration and creates the instance. The runtime starts on the first invoke.
         *
         * @return the local function
         * @throws IllegalStateException naming what is missing: {@link #functionDirectory(Path)},
         *     {@link #handler(String)}, or the runtime interface client's artifacts on the class path
         * @throws IllegalArgumentException if the function directory does not exist
         */
        LocalLambda build();
    }

    private static final class DefaultBuilder implements Builder {
        private Path functionDirectory;
        private String handler;
        private String functionName = "local-function";
        private String region = "us-east-1";
        private int memorySize = 512;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration initTimeout = Duration.ofSeconds(30);
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmArguments = new ArrayList<>();
        private boolean defaultJvmArguments = true;
        private Consumer<String> logSink = System.err::println;
        private List<Path> runtimeClasspath;
        private Path javaHome;
        private boolean snapStart;
        private LambdaRuntime runtime = LambdaRuntime.JAVA25;
        private boolean runtimeClientAotCache = true;
        private Path aotCacheDirectory;
        private boolean traceSampled;
        private Path classLoadLog;

        @Override
        public Builder functionDirectory(Path functionDirectory) {
            this.functionDirectory = Objects.requireNonNull(functionDirectory, "functionDirectory");
            return this;
        }

        @Override
        public Builder handler(String handler) {
            Objects.requireNonNull(handler, "handler");
            if (!HANDLER.matcher(handler).matches()) {
                throw new IllegalArgumentException(
                        "handler must be package.Class or package.Class::method, not '" + handler + "'");
            }
            this.handler = handler;
            return this;
        }

        @Override
        public Builder functionName(String functionName) {
            Objects.requireNonNull(functionName, "functionName");
            if (!FUNCTION_NAME.matcher(functionName).matches()) {
                throw new IllegalArgumentException("functionName must be 1 to 64 letters, digits, hyphens and"
                        + " underscores, not '" + functionName + "'");
            }
            this.functionName = functionName;
            return this;
        }

        @Override
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must look like us-east-1, not '" + region + "'");
            }
            this.region = region;
            return this;
        }

        @Override
        public Builder memorySize(int memorySize) {
            if (memorySize < 128 || memorySize > 10240) {
                throw new IllegalArgumentException("memorySize must be 128 to 10240 MB, got " + memorySize);
            }
            this.memorySize = memorySize;
            return this;
        }

        @Override
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        @Override
        public Builder initTimeout(Duration initTimeout) {
            this.initTimeout = positive(initTimeout, "initTimeout");
            return this;
        }

        @Override
        public Builder environment(Map<String, String> environment) {
            // Checked whole before any is kept: a refused map changes nothing.
            Map<String, String> checked = new LinkedHashMap<>();
            Objects.requireNonNull(environment, "environment").forEach((k, v) -> {
                Objects.requireNonNull(k, "an environment variable's name");
                if (RESERVED.contains(k)) {
                    throw new IllegalArgumentException(
                            "The environment variable " + k + " is set by LocalLambda and cannot be overridden");
                }
                checked.put(k, Objects.requireNonNull(v, "value of " + k));
            });
            this.environment.putAll(checked);
            return this;
        }

        @Override
        public Builder jvmArguments(List<String> jvmArguments) {
            this.jvmArguments.addAll(List.copyOf(jvmArguments));
            return this;
        }

        @Override
        public Builder defaultJvmArguments(boolean enabled) {
            this.defaultJvmArguments = enabled;
            return this;
        }

        @Override
        public Builder logSink(Consumer<String> logSink) {
            this.logSink = Objects.requireNonNull(logSink, "logSink");
            return this;
        }

        @Override
        public Builder runtimeClasspath(List<Path> runtimeClasspath) {
            List<Path> paths = List.copyOf(runtimeClasspath);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException(
                        "runtimeClasspath needs the runtime interface client's jars, not an" + " empty list");
            }
            this.runtimeClasspath = paths;
            return this;
        }

        @Override
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        @Override
        public Builder runtime(LambdaRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        @Override
        public Builder runtimeClientAotCache(boolean enabled) {
            this.runtimeClientAotCache = enabled;
            return this;
        }

        @Override
        public Builder aotCacheDirectory(Path directory) {
            this.aotCacheDirectory =
                    Objects.requireNonNull(directory, "directory").toAbsolutePath();
            return this;
        }

        @Override
        public Builder snapStart(boolean enabled) {
            this.snapStart = enabled;
            return this;
        }

        @Override
        public Builder traceSampled(boolean sampled) {
            this.traceSampled = sampled;
            return this;
        }

        @Override
        public Builder classLoadLog(Path file) {
            this.classLoadLog = Objects.requireNonNull(file, "file").toAbsolutePath();
            return this;
        }

        @Override
        public LocalLambda build() {
            List<String> missing = new ArrayList<>();
            if (functionDirectory == null) {
                missing.add("functionDirectory(Path)");
            }
            if (handler == null) {
                missing.add("handler(String)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        "LocalLambda needs " + String.join(" and ", missing) + " before build()");
            }
            if (!Files.isDirectory(functionDirectory)) {
                throw new IllegalArgumentException(
                        "The function directory " + functionDirectory + " does not exist or is not a directory");
            }
            return new LocalLambda(this);
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
