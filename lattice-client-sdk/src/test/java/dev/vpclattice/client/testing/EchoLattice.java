package dev.vpclattice.client.testing;

import dev.vpclattice.client.signing.LatticeHosts;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.events.VpcLatticeV2Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A local Lattice under AWS_IAM in {@code eu-central-1} whose target answers {@code {"seen":"METHOD /path"}} as JSON,
 * or 503 to as many calls as {@link #failNext(int)} asks (none again after each test), with the signers that the
 * adapters' tests call it with. Register it and its {@link #extension()} on static fields with
 * {@code @RegisterExtension}.
 */
public final class EchoLattice implements AfterEachCallback {
    private static final Region REGION = Region.EU_CENTRAL_1;

    private final AtomicInteger failNext = new AtomicInteger();
    private final LocalLatticeExtension extension;

    private EchoLattice(String... hostNames) {
        LocalLatticeExtension.Builder builder = LocalLatticeExtension.builder()
                .region(REGION.id())
                .target(event -> failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                        ? VpcLatticeV2Response.builder().statusCode(503).build()
                        : VpcLatticeV2Response.builder()
                                .statusCode(200)
                                .header("content-type", "application/json")
                                .body("{\"seen\":\"" + event.getMethod() + " " + event.getPath() + "\"}")
                                .build());
        for (String hostName : hostNames) {
            builder.latticeOptions(options -> options.hostName(hostName));
        }
        this.extension = builder.build();
    }

    /**
     * Builds the local Lattice; it starts when the extension does.
     *
     * @param hostNames host names it serves besides {@code 127.0.0.1} (see {@code LocalLattice.Builder#hostName})
     * @return the fixture
     */
    public static EchoLattice create(String... hostNames) {
        return new EchoLattice(hostNames);
    }

    /**
     * Returns the JUnit extension that runs the local Lattice, for a static {@code @RegisterExtension} field.
     *
     * @return the extension
     */
    public LocalLatticeExtension extension() {
        return extension;
    }

    /**
     * Makes the target answer the next calls with 503.
     *
     * @param calls how many calls fail; {@code 0} to fail none
     */
    public void failNext(int calls) {
        failNext.set(calls);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failNext.set(0);
    }

    /**
     * Returns a signer builder for {@code 127.0.0.1} in the local Lattice's region.
     *
     * @param credentials the credentials to sign with
     * @return the builder, to finish
     */
    public LatticeRequestSigner.Builder signerBuilder(AwsCredentialsProvider credentials) {
        return LatticeRequestSigner.builder()
                .region(REGION)
                .credentialsProvider(credentials)
                .hosts(LatticeHosts.of("127.0.0.1"));
    }

    /**
     * Returns a recording signer for {@code 127.0.0.1} on a {@link SigningFixtures#ticking() ticking} clock, so that
     * each signature has its own date.
     *
     * @param credentials the credentials to sign with
     * @return the signer, to close
     */
    public RecordingSigner signer(AwsCredentialsProvider credentials) {
        return new RecordingSigner(signerBuilder(credentials)
                .signingClock(SigningFixtures.ticking())
                .build());
    }

    /**
     * Returns the allowed principal's credentials with another secret key: signatures the local Lattice refuses.
     *
     * @return the provider of the wrong credentials
     */
    public AwsCredentialsProvider wrongSecret() {
        return SigningFixtures.wrongSecret(extension.credentials());
    }

    /**
     * Returns the signing date a request arrived with.
     *
     * @param event the request as the target received it
     * @return its {@code x-amz-date}
     */
    public static String date(VpcLatticeV2Request event) {
        return event.getHeaders().get("x-amz-date").get(0);
    }
}
