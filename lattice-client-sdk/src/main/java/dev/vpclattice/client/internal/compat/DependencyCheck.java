package dev.vpclattice.client.internal.compat;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks once per JVM that the library's dependencies on the class path are at or above the versions it needs. */
@LatticeInternalApi
public final class DependencyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DependencyCheck.class);

    static final String SDK_FLOOR = "2.41.0";
    static final String JACKSON_FLOOR = "2.15.1";
    static final String SLF4J_FLOOR = "1.7.36";
    static final String OPENTELEMETRY_FLOOR = "1.57.0";
    static final String XRAY_FLOOR = "2.15.0";

    /** A dependency: its coordinates, the version it needs, a class it holds, and what is off without it. */
    record Dependency(String coordinates, String floor, String anchorClass, String feature) {
        boolean required() {
            return feature == null;
        }

        boolean sdk() {
            return coordinates.startsWith("software.amazon.awssdk:");
        }
    }

    static final List<Dependency> DEPENDENCIES = List.of(
            sdk("sdk-core", "software.amazon.awssdk.core.SdkBytes", null),
            sdk("http-client-spi", "software.amazon.awssdk.http.ContentStreamProvider", null),
            sdk("http-auth-aws", "software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner", null),
            sdk("http-auth-spi", "software.amazon.awssdk.http.auth.spi.signer.HttpSigner", null),
            sdk("identity-spi", "software.amazon.awssdk.identity.spi.AwsCredentialsIdentity", null),
            sdk("auth", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider", null),
            sdk("regions", "software.amazon.awssdk.regions.Region", null),
            sdk("utils", "software.amazon.awssdk.utils.AttributeMap", null),
            sdk("apache5-client", "software.amazon.awssdk.http.apache5.Apache5HttpClient", null),
            sdk(
                    "netty-nio-client",
                    "software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient",
                    "The async client's default HTTP client (NettyNioAsyncHttpClient)"),
            sdk("http-auth-aws-crt", "software.amazon.awssdk.http.auth.aws.crt.HttpAuthAwsCrt", "SigV4A signing"),
            new Dependency(
                    "com.fasterxml.jackson.core:jackson-core",
                    JACKSON_FLOOR,
                    "com.fasterxml.jackson.core.json.PackageVersion",
                    null),
            new Dependency(
                    "com.fasterxml.jackson.core:jackson-databind",
                    JACKSON_FLOOR,
                    "com.fasterxml.jackson.databind.cfg.PackageVersion",
                    null),
            new Dependency(
                    "com.fasterxml.jackson.datatype:jackson-datatype-jsr310",
                    JACKSON_FLOOR,
                    "com.fasterxml.jackson.datatype.jsr310.PackageVersion",
                    null),
            new Dependency("org.slf4j:slf4j-api", SLF4J_FLOOR, "org.slf4j.LoggerFactory", null),
            new Dependency(
                    "io.opentelemetry:opentelemetry-api",
                    OPENTELEMETRY_FLOOR,
                    "io.opentelemetry.api.GlobalOpenTelemetry",
                    "OpenTelemetry tracing"),
            new Dependency(
                    "com.amazonaws:aws-xray-recorder-sdk-core",
                    XRAY_FLOOR,
                    "com.amazonaws.xray.AWSXRay",
                    "X-Ray subsegments"));

    /** What the check found: the failure of a required dependency (or null), the warnings, the features off. */
    record Result(String failure, List<String> warnings, TreeSet<String> disabledClasses) {}

    private static final class Once {
        static final Result RESULT = check(DependencyCheck::versionOnClassPath);

        static {
            RESULT.warnings().forEach(LOG::warn);
        }
    }

    private DependencyCheck() {}

    /**
     * Fails when a required dependency is below the version the library needs; the first call also logs, once, each
     * optional integration that is off because of its version and AWS SDK modules of mixed versions.
     *
     * @throws IllegalStateException naming the artifact, the version found and the version required
     */
    public static void verify() {
        if (Once.RESULT.failure() != null) {
            throw new IllegalStateException(Once.RESULT.failure());
        }
    }

    /**
     * Tells whether an optional integration, named by a class it holds, is at a version the library can use.
     *
     * @param className the class that names the integration
     * @return false when its artifact is on the class path below the library's floor
     */
    public static boolean usable(String className) {
        return !Once.RESULT.disabledClasses().contains(className);
    }

    static Result check(Function<Dependency, String> versions) {
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        TreeSet<String> disabled = new TreeSet<>();
        Map<String, List<String>> sdkByVersion = new TreeMap<>();
        for (Dependency dependency : DEPENDENCIES) {
            String found = versions.apply(dependency);
            if (found == null) {
                continue; // absent (an optional part), or a jar without its version (shaded): nothing to compare
            }
            if (dependency.sdk()) {
                sdkByVersion
                        .computeIfAbsent(found, v -> new ArrayList<>())
                        .add(dependency.coordinates().substring("software.amazon.awssdk:".length()));
            }
            if (compare(found, dependency.floor()) >= 0) {
                continue;
            }
            String below = dependency.coordinates() + " " + found + " is on the class path; lattice-client-sdk needs "
                    + dependency.floor() + " or newer";
            if (dependency.required()) {
                failures.add(below);
            } else {
                warnings.add(dependency.feature() + " is off: " + below);
                disabled.add(dependency.anchorClass());
            }
        }
        if (sdkByVersion.size() > 1) {
            warnings.add("AWS SDK modules of different versions are on the class path, " + sdkByVersion
                    + "; the SDK supports one version for all its modules: import software.amazon.awssdk:bom (or"
                    + " dev.vpclattice:lattice-bom) in dependencyManagement");
        }
        String failure = failures.isEmpty()
                ? null
                : String.join("; ", failures) + " (import dev.vpclattice:lattice-bom, or software.amazon.awssdk:bom and"
                        + " com.fasterxml.jackson:jackson-bom, in dependencyManagement)";
        return new Result(failure, List.copyOf(warnings), disabled);
    }

    /** The version of the artifact that holds the dependency's class, or null when it is absent or says none. */
    static String versionOnClassPath(Dependency dependency) {
        // The class file's URL names its jar without loading the class: a check must not load what it checks.
        URL own = classFile(dependency.anchorClass());
        if (own == null || !"jar".equals(own.getProtocol())) {
            return null;
        }
        String jar = own.toString().substring(0, own.toString().indexOf("!/") + 2);
        String[] coordinates = dependency.coordinates().split(":");
        String version =
                property(jar, "META-INF/maven/" + coordinates[0] + "/" + coordinates[1] + "/pom.properties", "version");
        if (version == null && dependency.coordinates().startsWith("com.amazonaws:aws-xray")) {
            version = property(jar, "com/amazonaws/xray/sdk.properties", "awsxrayrecordersdk.version");
        }
        if (version == null) {
            version = implementationVersion(jar);
        }
        return version;
    }

    /**
     * Finds a class's file on this library's class loader without loading the class.
     *
     * @param className a class name
     * @return its URL, or null when it is not on the class path
     */
    public static URL classFile(String className) {
        String path = className.replace('.', '/') + ".class";
        ClassLoader loader = DependencyCheck.class.getClassLoader();
        return loader != null ? loader.getResource(path) : ClassLoader.getSystemResource(path);
    }

    /** Reads a properties resource from the given jar, not from another jar on the class path. */
    private static String property(String jar, String resource, String key) {
        try (InputStream in = new URL(jar + resource).openStream()) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key);
        } catch (IOException e) {
            return null;
        }
    }

    private static String implementationVersion(String jar) {
        try (InputStream in = new URL(jar + "META-INF/MANIFEST.MF").openStream()) {
            return new Manifest(in).getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        } catch (IOException e) {
            return null;
        }
    }

    /** Compares dotted versions by their leading numbers ("2.15.1" &lt; "2.23", "1.52.0-alpha" as 1.52.0). */
    static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : version.split("[.]")) {
            String digits = part.replaceAll("^([0-9]*).*$", "$1");
            if (digits.isEmpty()) {
                break;
            }
            numbers.add(Integer.parseInt(digits));
            if (digits.length() != part.length()) {
                break;
            }
        }
        return numbers.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Dependency sdk(String artifact, String anchorClass, String feature) {
        return new Dependency("software.amazon.awssdk:" + artifact, SDK_FLOOR, anchorClass, feature);
    }
}
