package dev.vpclattice.client.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LocalCertificate;
import dev.vpclattice.local.LocalLattice;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A local Lattice on {@code 127.0.0.1:443}, https' default port, as a real listener has it: there clients send
 * {@code Host} without a port, or with {@code :443} as the URL has it, and the local Lattice serves both. Binding 443
 * needs privileges a test machine may lack, and another process may hold it: then the test is skipped, saying so.
 * Answers 200 with {@code GET /path} to the allowed caller.
 */
public final class DefaultPortLattice implements AutoCloseable {
    private static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/caller/default-port";
    private static final AwsSessionCredentials CREDENTIALS = AwsSessionCredentials.create(
            "ASIADEFAULTPORT00001", "default-port-secret-00000000000000000000", "default-port-session-token");

    private final Region region;
    private final LocalLattice lattice;
    private final List<VpcLatticeV2Request> received = new CopyOnWriteArrayList<>();

    private DefaultPortLattice(String region) {
        this.region = Region.of(region);
        LocalLattice started = null;
        try {
            started = LocalLattice.builder()
                    .port(443)
                    .region(region)
                    .sessionCredential(
                            CREDENTIALS.accessKeyId(),
                            CREDENTIALS.secretAccessKey(),
                            CREDENTIALS.sessionToken(),
                            PRINCIPAL)
                    .allow(PRINCIPAL)
                    .target(event -> {
                        received.add(event);
                        return VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .body(event.getMethod() + " " + event.getPath())
                                .build();
                    })
                    .build();
        } catch (UncheckedIOException e) {
            assumeTrue(false, "127.0.0.1:443 cannot be bound here (" + e.getMessage() + ")");
        }
        this.lattice = started;
    }

    /**
     * Starts the local Lattice, or skips the test.
     *
     * @param region the region signatures are scoped to
     * @return the running local Lattice, to close
     */
    public static DefaultPortLattice start(String region) {
        return new DefaultPortLattice(region);
    }

    /**
     * Returns the credentials of the allowed caller.
     *
     * @return session credentials
     */
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(CREDENTIALS);
    }

    /**
     * Returns a recording signer of the allowed caller for {@code 127.0.0.1}.
     *
     * @return the signer, to close
     */
    public RecordingSigner signer() {
        return new RecordingSigner(LatticeRequestSigner.builder()
                .region(region)
                .credentialsProvider(credentials())
                .hosts(LatticeHosts.of("127.0.0.1"))
                .build());
    }

    /**
     * Returns the certificate to trust.
     *
     * @return the self-signed certificate of {@code 127.0.0.1}
     */
    public LocalCertificate certificate() {
        return lattice.certificate();
    }

    /**
     * Returns the requests that reached the target, as Lattice passed them on.
     *
     * @return the events so far
     */
    public List<VpcLatticeV2Request> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        lattice.close();
    }
}
