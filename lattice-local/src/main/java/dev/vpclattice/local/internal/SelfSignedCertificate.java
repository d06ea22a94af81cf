package dev.vpclattice.local.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed P-256 certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, and the TLS context that
 * serves it. It is its own trust anchor: clients trust it by loading the PEM.
 *
 * <p>The JDK's own {@code keytool -genkeypair} makes the key pair and certificate, in a child process, so that no
 * X.509 library is needed on the class path. {@link #shared(List)} makes one per JVM and set of host names and hands it
 * to every local Lattice that asks; {@link #generate(List)} always makes a new one.
 */
public final class SelfSignedCertificate {
    /** How long a certificate is valid from its generation; it starts a day earlier for clients with skewed clocks. */
    static final Duration VALIDITY = Duration.ofDays(7);

    /** A shared certificate with less than this left is replaced for the next local Lattice that asks. */
    static final Duration RENEW_BEFORE = Duration.ofDays(4);

    private static final String ALIAS = "local-lattice";
    private static final String PASSWORD_VARIABLE = "LOCAL_LATTICE_STORE_PASSWORD";
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final Map<List<String>, Shared> SHARED = new ConcurrentHashMap<>();

    private final X509Certificate certificate;
    private final SSLContext sslContext;

    private SelfSignedCertificate(X509Certificate certificate, SSLContext sslContext) {
        this.certificate = certificate;
        this.sslContext = sslContext;
    }

    /**
     * The certificate this JVM serves for these host names: made by the first call and reused by later ones, until it
     * has less than {@link #RENEW_BEFORE} of its validity left.
     *
     * @param extraDnsNames host names besides {@code localhost}, {@code 127.0.0.1} and {@code ::1}, lower case; may be
     *     empty; their order does not matter
     * @return the certificate and its TLS context
     * @throws IllegalStateException if the certificate cannot be made, with keytool's output
     */
    public static SelfSignedCertificate shared(List<String> extraDnsNames) {
        List<String> names = List.copyOf(new TreeSet<>(extraDnsNames));
        Shared shared = SHARED.computeIfAbsent(names, key -> new Shared());
        // Concurrent callers for the same names wait for one keytool run; a failed run is not kept.
        synchronized (shared) {
            if (shared.current == null
                    || !shared.current
                            .certificate
                            .getNotAfter()
                            .toInstant()
                            .isAfter(Instant.now().plus(RENEW_BEFORE))) {
                shared.current = generate(names);
            }
            return shared.current;
        }
    }

    /** The certificate shared for one set of host names. */
    private static final class Shared {
        private SelfSignedCertificate current;
    }

    /**
     * Makes a new key pair and certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid from a day
     * ago for {@link #VALIDITY}.
     *
     * @return the certificate and its TLS context
     * @throws IllegalStateException if the certificate cannot be made, with keytool's output
     */
    public static SelfSignedCertificate generate() {
        return generate(List.of());
    }

    /**
     * Makes a new key pair and certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the extra DNS
     * names, valid from a day ago for {@link #VALIDITY}.
     *
     * @param extraDnsNames more host names the certificate is valid for (e.g. a name mapped to 127.0.0.1); may be
     *     empty
     * @return the certificate and its TLS context
     * @throws IllegalStateException if the certificate cannot be made, with keytool's output
     */
    public static SelfSignedCertificate generate(List<String> extraDnsNames) {
        Path directory = null;
        try {
            // Created readable by this user only; the store and its random password never outlive this method.
            directory = Files.createTempDirectory("local-lattice-certificate");
            Path store = directory.resolve("local-lattice.p12");
            char[] password = randomPassword();
            runKeytool(store, password, extraDnsNames);
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password);
            }
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, password);
            SSLContext sslContext = SSLContext.getInstance("TLS");
            sslContext.init(keyManagers.getKeyManagers(), null, null);
            return new SelfSignedCertificate(certificate, sslContext);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not create the self-signed certificate for localhost: " + e, e);
        } finally {
            if (directory != null) {
                deleteTree(directory);
            }
        }
    }

    private static void runKeytool(Path store, char[] password, List<String> extraDnsNames) throws IOException {
        Path keytool = keytool();
        StringBuilder names = new StringBuilder("san=dns:localhost,ip:127.0.0.1,ip:::1");
        for (String name : extraDnsNames) {
            names.append(",dns:").append(Objects.requireNonNull(name, "extraDnsNames"));
        }
        List<String> command = new ArrayList<>(List.of(
                keytool.toString(),
                // keytool is a short-lived JVM: the quickest start (tier-1 compilation, the serial collector) is best.
                "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC",
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=localhost, O=Local VPC Lattice",
                "-ext",
                names.toString(),
                // A self-signed certificate is its own issuer: OpenSSL only accepts it as a trust anchor when it is a
                // CA that may sign certificates.
                "-ext",
                "bc:c=ca:true",
                "-ext",
                "ku:c=digitalSignature,keyCertSign",
                "-ext",
                "eku=serverAuth",
                // Clients compare validity with their own clock: start a day early so skewed clocks still accept it.
                "-startdate",
                "-1d",
                "-validity",
                Long.toString(VALIDITY.toDays() + 1),
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                // The password goes through the child's environment, never its command line (which ps shows).
                "-storepass:env",
                PASSWORD_VARIABLE,
                "-keypass:env",
                PASSWORD_VARIABLE));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, new String(password));
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Could not create the self-signed certificate for localhost: " + keytool
                        + " did not finish within " + KEYTOOL_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + keytool + " created the certificate", e);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(store)) {
            throw new IllegalStateException("Could not create the self-signed certificate for localhost: " + keytool
                    + " exited with " + process.exitValue() + ": " + output);
        }
    }

    /** The running JDK's keytool, which every Java runtime image has: it belongs to the java.base module. */
    private static Path keytool() {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        for (String name : List.of("keytool", "keytool.exe")) {
            if (Files.isExecutable(bin.resolve(name))) {
                return bin.resolve(name);
            }
        }
        throw new IllegalStateException("Could not create the self-signed certificate for localhost: there is no"
                + " keytool in " + bin + ", the running Java's bin directory; run on a full JDK or JRE");
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Only a temporary directory is left behind; the key it held is loaded already.
            directory.toFile().deleteOnExit();
        }
    }

    /**
     * The certificate.
     *
     * @return the certificate, self-signed
     */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * The TLS context serving the certificate and its private key.
     *
     * @return the server-side TLS context
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * The certificate in PEM form.
     *
     * @return a {@code -----BEGIN CERTIFICATE-----} block, lines of 64 characters, ending with a line break
     */
    public String pem() {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encode the certificate as PEM: " + e, e);
        }
    }
}
