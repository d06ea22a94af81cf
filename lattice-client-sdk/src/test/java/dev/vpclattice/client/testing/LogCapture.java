package dev.vpclattice.client.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log line of the JVM at every level while open, through java.util.logging (where SLF4J's JDK binding, Spring's
 * commons-logging bridge, the JDK HTTP client and OkHttp write): the logger name, then the message as formatted with
 * its exception's stack trace.
 *
 * <p>The lines of the local Lattice's own HTTP server (Jetty), which runs in the same JVM and is not a client under
 * test, are kept at INFO. {@link #start()} keeps the AWS SDK signer's logger at INFO too, as the READMEs ask: at DEBUG
 * it prints canonical requests, which hold the session token (aws-sdk-java-v2 pull request 5153).
 */
public final class LogCapture implements AutoCloseable {
    /** The logger of the SDK class that logs canonical requests at DEBUG. */
    public static final String SDK_SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer";

    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();
    private final Logger sdkSigner = Logger.getLogger(SDK_SIGNER_LOGGER);
    private final Level sdkSignerLevel = sdkSigner.getLevel();
    private final Logger server = Logger.getLogger("org.eclipse.jetty");
    private final Level serverLevel = server.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLoggerName() + " " + formatter.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(boolean sdkSignerDebug) {
        handler.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        sdkSigner.setLevel(sdkSignerDebug ? Level.ALL : Level.INFO);
        server.setLevel(Level.INFO);
        root.addHandler(handler);
    }

    /**
     * Starts capturing at every level, the SDK signer's logger at INFO.
     *
     * @return the capture, to close when done
     */
    public static LogCapture start() {
        return new LogCapture(false);
    }

    /**
     * Starts capturing at every level, the SDK signer's logger included.
     *
     * @return the capture, to close when done
     */
    public static LogCapture withSdkSignerDebug() {
        return new LogCapture(true);
    }

    /**
     * Returns the lines so far.
     *
     * @return the lines, each starting with its logger's name
     */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Returns the lines of the loggers under a name.
     *
     * @param loggerPrefix a logger name or the start of one, e.g. {@code org.springframework.web}
     * @return those lines
     */
    public List<String> linesFrom(String loggerPrefix) {
        return lines.stream().filter(line -> line.startsWith(loggerPrefix)).toList();
    }

    /**
     * Returns the lines that contain any of the values.
     *
     * @param values secrets that must not be logged
     * @return the offending lines
     */
    public List<String> linesContaining(Iterable<String> values) {
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            for (String value : values) {
                if (!value.isEmpty() && line.contains(value)) {
                    found.add(line);
                    break;
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(rootLevel);
        sdkSigner.setLevel(sdkSignerLevel);
        server.setLevel(serverLevel);
    }
}
