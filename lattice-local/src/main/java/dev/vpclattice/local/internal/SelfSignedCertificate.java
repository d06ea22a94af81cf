package dev.vpclattice.local.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A fresh self-signed P-256 certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, and the TLS
 * context that serves it. It is its own trust anchor: clients trust it by loading the PEM.
 */
public final class SelfSignedCertificate {
    private static final char[] KEY_PASSWORD = "local-lattice".toCharArray();

    private final X509Certificate certificate;
    private final SSLContext sslContext;

    private SelfSignedCertificate(X509Certificate certificate, SSLContext sslContext) {
        this.certificate = certificate;
        this.sslContext = sslContext;
    }

    /**
     * Generates a new key pair and certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid from a
     * day ago for a year.
     *
     * @return the certificate and its TLS context
     * @throws IllegalStateException if the JDK lacks EC key generation or TLS
     */
    public static SelfSignedCertificate generate() {
        return generate(List.of());
    }

    /**
     * Generates a new key pair and certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the extra
     * DNS names, valid from a day ago for a year.
     *
     * @param extraDnsNames more host names the certificate is valid for (e.g. a name mapped to 127.0.0.1); may be
     *     empty
     * @return the certificate and its TLS context
     * @throws IllegalStateException if the JDK lacks EC key generation or TLS
     */
    public static SelfSignedCertificate generate(List<String> extraDnsNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keyPair = generator.generateKeyPair();

            X500Name subject = new X500Name("CN=localhost, O=Local VPC Lattice");
            Instant now = Instant.now();
            // Clients compare validity with their own clock: start a day early so skewed clocks still accept it.
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))),
                    subject,
                    keyPair.getPublic());
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
            for (String name : extraDnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, name));
            }
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            // A self-signed certificate is its own issuer: OpenSSL only accepts it as a trust anchor when it is a CA.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));

            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(
                    "local-lattice", keyPair.getPrivate(), KEY_PASSWORD, new X509Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, KEY_PASSWORD);
            SSLContext sslContext = SSLContext.getInstance("TLS");
            sslContext.init(keyManagers.getKeyManagers(), null, null);
            return new SelfSignedCertificate(certificate, sslContext);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("Could not create the self-signed certificate for localhost: " + e, e);
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
     * @return a {@code -----BEGIN CERTIFICATE-----} block
     */
    public String pem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode the certificate as PEM", e);
        }
        return out.toString();
    }
}
