package dev.vpclattice.local.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.contract.EventVersion;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.LatticeTarget;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The extension with a target group that sends V1 events, Lattice's default: it records them as it records V2. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalLatticeExtensionV1Test {
    @RegisterExtension
    static LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .eventVersion(EventVersion.V1)
            .target(LatticeTarget.v1(event -> VpcLatticeV2Response.builder()
                    .statusCode(200)
                    .body("raw_path " + event.getRaw_path())
                    .build()))
            .build();

    @Test
    void v1Event_reachesTheTarget_andIsRecorded(URI endpoint, AwsCredentialsProvider credentials) {
        try (SignedCaller caller = new SignedCaller(lattice.certificate(), lattice.region())) {
            SignedCaller.Response response = caller.post(endpoint, "/orders", "{\"id\":1}", credentials);

            assertEquals(200, response.status(), response.body());
            assertEquals("raw_path /orders", response.body());
        }
        VpcLatticeV1Request event = lattice.receivedV1Events().get(0);
        assertEquals("{\"id\":1}", event.getBody());
        assertEquals("application/json", event.getHeaders().get("content-type"));
        assertTrue(lattice.receivedEvents().isEmpty(), "no V2 events");
    }
}
