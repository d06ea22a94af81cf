package dev.vpclattice.lambda.local.internal;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds the jars of the Lambda Java runtime interface client and its dependencies on a class loader's path. */
public final class RuntimeClasspath {
    /** One class from each artifact the runtime needs, by the artifact that ships it. */
    private static final Map<String, String> MARKERS = new LinkedHashMap<>();

    static {
        MARKERS.put(
                "com.amazonaws:aws-lambda-java-runtime-interface-client",
                "com/amazonaws/services/lambda/runtime/api/client/AWSLambda.class");
        MARKERS.put("com.amazonaws:aws-lambda-java-core", "com/amazonaws/services/lambda/runtime/Context.class");
        MARKERS.put(
                "com.amazonaws:aws-lambda-java-serialization",
                "com/amazonaws/services/lambda/runtime/serialization/PojoSerializer.class");
        MARKERS.put(
                "software.amazon.awssdk:utils-lite", "software/amazon/awssdk/utilslite/SdkInternalThreadLocal.class");
    }

    private RuntimeClasspath() {}

    /**
     * Locates each artifact's jar (or classes directory) through the class loader's resources, without loading
     * the classes.
     *
     * @param loader the loader to search; required
     * @return the distinct paths, runtime client first
     * @throws IllegalStateException naming the missing artifacts if any is not on the loader's path
     */
    public static List<Path> discover(ClassLoader loader) {
        Set<Path> paths = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> m : MARKERS.entrySet()) {
            URL url = loader.getResource(m.getValue());
            if (url == null) {
                missing.add(m.getKey());
            } else {
                paths.add(rootOf(url, m.getValue()));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("A function directory runs in the Lambda Java runtime interface client,"
                    + " which is not on the class path: missing " + missing + ". Add the dependency"
                    + " com.amazonaws:aws-lambda-java-runtime-interface-client (test scope is enough; it brings the"
                    + " others), or pass the jars to LocalLambda.Builder.runtimeClasspath(...).");
        }
        return List.copyOf(paths);
    }

    private static Path rootOf(URL url, String resource) {
        try {
            if ("jar".equals(url.getProtocol())) {
                return Path.of(((JarURLConnection) url.openConnection())
                        .getJarFileURL()
                        .toURI());
            }
            if ("file".equals(url.getProtocol())) {
                Path p = Path.of(url.toURI());
                for (int i = resource.split("/").length; i > 0; i--) {
                    p = p.getParent();
                }
                return p;
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("Cannot turn " + url + " into a classpath entry", e);
        }
        throw new IllegalStateException("Cannot use " + url + " as a classpath entry for the runtime: only jar: and "
                + "file: URLs are supported; pass the jars to LocalLambda.Builder.runtimeClasspath(...)");
    }
}
