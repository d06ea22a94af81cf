package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The {@code User-Agent} this library sends: {@code lattice-client-sdk/<version> java/<feature version>}. */
@LatticeInternalApi
public final class UserAgent {
    /** The library's version, from the resource Maven filters at build time; {@code unknown} if it is missing. */
    public static final String VERSION = readVersion();
    /** The header value, e.g. {@code lattice-client-sdk/0.1.0 java/17}. */
    public static final String VALUE =
            "lattice-client-sdk/" + VERSION + " java/" + Runtime.version().feature();

    private UserAgent() {}

    private static String readVersion() {
        // Beside this class: the resource moves with the package, and Maven filters it in place.
        try (InputStream in = UserAgent.class.getResourceAsStream("lattice-client-sdk.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            // Unfiltered (an IDE build that skipped Maven's resource filtering) still reads "${project.version}".
            return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
