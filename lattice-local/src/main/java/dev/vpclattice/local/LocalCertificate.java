package dev.vpclattice.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The self-signed certificate a {@link LocalLattice} serves, and the ways to make a client trust it: for one client in
 * this JVM ({@link #trustManagers()}, {@link #sslContext()}), for curl ({@link #writePem(Path)}) and for another JVM
 * ({@link #trustStoreJvmArguments(Path)}).
 *
 * <p>Prefer per-client trust: an SDK HTTP client's {@code tlsTrustManagersProvider(certificate::trustManagers)}, the
 * JDK {@code HttpClient.newBuilder().sslContext(certificate.sslContext())}, or the library's
 * {@code LatticeClient.builder().trustedCertificates(...)} with {@link #x509()}. JVM-wide
 * {@code -Djavax.net.ssl.trustStore} replaces the trust of everything in that JVM, so it is only for a child JVM
 * that should trust this server and nothing else (a function's runtime under test).
 *
 * <p>Immutable and thread-safe. Obtain it from {@link LocalLattice#certificate()}.
 */
public final class LocalCertificate {
    /** The password of the trust store that {@link #trustStoreJvmArguments(Path)} writes, Java's customary default. */
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final X509Certificate certificate;
    private final String pem;

    LocalCertificate(X509Certificate certificate, String pem) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.pem = Objects.requireNonNull(pem, "pem");
    }

    /**
     * The certificate, valid for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and any configured host names.
     *
     * @return the self-signed X.509 certificate, its own trust anchor
     */
    public X509Certificate x509() {
        return certificate;
    }

    /**
     * The certificate in PEM form, for {@code curl --cacert} or a library that reads PEM.
     *
     * @return one {@code -----BEGIN CERTIFICATE-----} block
     */
    public String pem() {
        return pem;
    }

    /**
     * Writes {@link #pem()} to a file.
     *
     * @param file the file to create or replace; parent directories are created
     * @throws UncheckedIOException if the file cannot be written, naming it
     */
    public void writePem(Path file) {
        try {
            createParent(file);
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the certificate to " + file, e);
        }
    }

    /**
     * Trust managers that trust this certificate and nothing else, for one client in this JVM: an SDK HTTP client's
     * {@code tlsTrustManagersProvider(certificate::trustManagers)} or an {@code SSLContext}.
     *
     * @return new trust managers
     * @throws IllegalStateException if the JDK cannot build them
     */
    public TrustManager[] trustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore());
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "Could not build trust managers for the local Lattice's certificate: " + e, e);
        }
    }

    /**
     * A client-side TLS context that trusts this certificate and nothing else, e.g. for
     * {@code java.net.http.HttpClient.newBuilder().sslContext(...)}.
     *
     * @return a new, initialized TLS context
     * @throws IllegalStateException if the JDK cannot build it
     */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not build a TLS context trusting the local Lattice: " + e, e);
        }
    }

    /**
     * A new in-memory PKCS12 key store holding this certificate as its one trusted entry.
     *
     * @return the trust store, not password-protected in memory
     * @throws IllegalStateException if the JDK cannot build a PKCS12 store
     */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("local-vpc-lattice", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build a PKCS12 trust store for the local Lattice: " + e, e);
        }
    }

    /**
     * Writes {@link #trustStore()} as a PKCS12 file, for a JVM started with
     * {@code -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=PASSWORD
     * -Djavax.net.ssl.trustStoreType=PKCS12}.
     *
     * @param file the file to create or replace; parent directories are created
     * @param password the store password; required
     * @throws UncheckedIOException if the file cannot be written, naming it
     */
    public void writeTrustStore(Path file, char[] password) {
        Objects.requireNonNull(password, "password");
        try {
            createParent(file);
            try (OutputStream out = Files.newOutputStream(file)) {
                trustStore().store(out, password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the trust store to " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not write a PKCS12 trust store to " + file + ": " + e, e);
        }
    }

    /**
     * Writes the trust store with the password {@value #TRUST_STORE_PASSWORD} and returns the flags that make another
     * JVM (a function's runtime, say) trust this server and nothing else.
     *
     * @param file the file to create or replace; parent directories are created
     * @return {@code -Djavax.net.ssl.trustStore=FILE}, {@code -Djavax.net.ssl.trustStorePassword=changeit},
     *     {@code -Djavax.net.ssl.trustStoreType=PKCS12}
     * @throws UncheckedIOException if the file cannot be written, naming it
     */
    public List<String> trustStoreJvmArguments(Path file) {
        writeTrustStore(file, TRUST_STORE_PASSWORD.toCharArray());
        return List.of(
                "-Djavax.net.ssl.trustStore=" + file.toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** Names the certificate's subject and expiry; never key material. */
    @Override
    public String toString() {
        return "LocalCertificate[" + certificate.getSubjectX500Principal().getName() + ", expires "
                + certificate.getNotAfter().toInstant() + "]";
    }
}
