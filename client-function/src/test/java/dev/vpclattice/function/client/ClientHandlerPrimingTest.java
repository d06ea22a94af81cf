package dev.vpclattice.function.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeClientException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The SnapStart hook: what it may and may not do before a snapshot. */
class ClientHandlerPrimingTest {

    @Test
    void beforeCheckpoint_resolvesNoCredentialsAndOpensNoConnection() throws Exception {
        // GIVEN a handler whose endpoint does not exist and whose credentials provider counts its calls
        AtomicInteger resolved = new AtomicInteger();
        AwsCredentialsProvider counting = () -> {
            resolved.incrementAndGet();
            return AwsBasicCredentials.create("AKIDPRIMINGTEST00001", "priming-test-secret");
        };
        ClientConfiguration config = ClientConfiguration.fromEnvironment(Map.of(
                "LATTICE_ENDPOINT",
                "https://127.0.0.1:1",
                "AWS_REGION",
                "us-east-1",
                "LATTICE_CALL_TIMEOUT_SECONDS",
                "2"));
        try (LatticeClient client = LatticeClient.builder()
                .region(config.region())
                .credentialsProvider(counting)
                .callTimeout(config.callTimeout())
                .maxAttempts(1)
                .build()) {
            ClientHandler handler = new ClientHandler(config, client);

            // WHEN the runtime calls the hook before the snapshot
            handler.beforeCheckpoint(null);
            handler.afterRestore(null);

            // THEN no credentials were resolved (they must not be captured in a snapshot)
            assertEquals(0, resolved.get());
            // AND a real invocation afterwards still resolves credentials and tries the endpoint (nothing listens)
            assertThrows(
                    LatticeClientException.class,
                    () -> handler.handleRequest(
                            new ByteArrayInputStream("{}".getBytes()), new ByteArrayOutputStream(), null));
            assertEquals(1, resolved.get());
        }
    }

    @Test
    void primeCredentials_withoutKeysInTheEnvironment_resolvesFromAThrowawayEndpointAndLeavesNoSettingBehind()
            throws Exception {
        // WHEN priming runs the SnapStart credentials path (no key variables, as Lambda gives SnapStart functions)
        boolean primed = Priming.primeCredentials(Map.of());

        // THEN the container provider answered from the throwaway endpoint, and the settings that pointed it there
        // are gone, so the function's own provider reads the real ones
        assertTrue(primed);
        assertNull(System.getProperty("aws.containerCredentialsFullUri"));
        assertNull(System.getProperty("aws.containerAuthorizationToken"));
    }

    @Test
    void primeCredentials_withKeysOrAnEcsEndpoint_touchesNothing() throws Exception {
        assertFalse(Priming.primeCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")));
        assertFalse(Priming.primeCredentials(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials")));
        assertNull(System.getProperty("aws.containerCredentialsFullUri"));
    }
}
