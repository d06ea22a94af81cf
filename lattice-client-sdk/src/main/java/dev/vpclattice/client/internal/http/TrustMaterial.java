package dev.vpclattice.client.internal.http;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for one client's HTTP client: the JVM's default trust (its {@code cacerts}, or whatever
 * {@code javax.net.ssl.trustStore} names) plus the certificates and trust managers the caller added. Nothing
 * JVM-wide is changed: the result is handed to the one HTTP client the library builds.
 */
@LatticeInternalApi
public final class TrustMaterial {
    private TrustMaterial() {}

    /**
     * Reads every certificate in a PEM (or DER) file.
     *
     * @param pemFile the file
     * @return the certificates, at least one
     * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("No certificate in " + pemFile
                        + ": expected PEM blocks starting with -----BEGIN CERTIFICATE-----");
            }
            return certificates;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("Cannot read trusted certificates from " + pemFile + ": " + e, e);
        }
    }

    /**
     * Returns the JVM's default X.509 trust manager, as an SSL context initialised without trust managers would use.
     *
     * @return the default trust manager
     */
    public static X509TrustManager jvmDefault() {
        return trustManagerFor(null);
    }

    /**
     * Combines trust: a server certificate chain is accepted when any of the trust managers accepts it.
     *
     * @param base the trust to keep, normally {@link #jvmDefault()}
     * @param certificates certificates to trust as anchors in addition
     * @param extra trust managers to consult in addition; each must be an {@link X509TrustManager}
     * @return one trust manager for the HTTP client
     */
    public static X509ExtendedTrustManager combine(
            X509TrustManager base, List<X509Certificate> certificates, List<TrustManager> extra) {
        List<X509TrustManager> all = new ArrayList<>();
        all.add(base);
        if (!certificates.isEmpty()) {
            all.add(trustManagerFor(keyStoreOf(certificates)));
        }
        for (TrustManager manager : extra) {
            all.add((X509TrustManager) manager);
        }
        return new AnyOf(all);
    }

    private static KeyStore keyStoreOf(List<X509Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("added-" + i, certificates.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a trust store for the added certificates: " + e, e);
        }
    }

    private static X509TrustManager trustManagerFor(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    return (X509TrustManager) manager;
                }
            }
            throw new IllegalStateException("The JVM's TrustManagerFactory offers no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot initialise the JVM's trust managers: " + e, e);
        }
    }

    /** Accepts what any delegate accepts; reports the first delegate's rejection with the others suppressed. */
    static final class AnyOf extends X509ExtendedTrustManager {
        private final List<X509TrustManager> delegates;

        AnyOf(List<X509TrustManager> delegates) {
            this.delegates = List.copyOf(delegates);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(manager -> manager.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(manager -> {
                if (manager instanceof X509ExtendedTrustManager) {
                    ((X509ExtendedTrustManager) manager).checkServerTrusted(chain, authType, socket);
                } else {
                    manager.checkServerTrusted(chain, authType);
                }
            });
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(manager -> {
                if (manager instanceof X509ExtendedTrustManager) {
                    ((X509ExtendedTrustManager) manager).checkServerTrusted(chain, authType, engine);
                } else {
                    manager.checkServerTrusted(chain, authType);
                }
            });
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(manager -> manager.checkClientTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            Set<X509Certificate> issuers = new LinkedHashSet<>();
            for (X509TrustManager manager : delegates) {
                issuers.addAll(Arrays.asList(manager.getAcceptedIssuers()));
            }
            return issuers.toArray(new X509Certificate[0]);
        }

        private void check(Check check) throws CertificateException {
            CertificateException first = null;
            for (X509TrustManager manager : delegates) {
                try {
                    check.run(manager);
                    return;
                } catch (CertificateException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            throw first;
        }

        private interface Check {
            void run(X509TrustManager manager) throws CertificateException;
        }
    }
}
