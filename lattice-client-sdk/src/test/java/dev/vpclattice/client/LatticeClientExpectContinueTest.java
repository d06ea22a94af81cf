package dev.vpclattice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.VpcLatticeV2Response;
import dev.vpclattice.local.junit.LocalLatticeExtension;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;

/**
 * A body over the local Lattice's 6 MB Lambda limit is refused early with 413; with {@code Expect: 100-continue} the
 * client reads that answer before uploading, so the caller gets the 413 as a {@link LatticeServiceException} and
 * nothing is uploaded, let alone twice, even for a retryable request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LatticeClientExpectContinueTest {
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/client-function-role/client-function";
    static final int SEVEN_MB = 7 * 1024 * 1024;

    @RegisterExtension
    static final LocalLatticeExtension lattice = LocalLatticeExtension.builder()
            .region("eu-central-1")
            .allowedPrincipal(ALICE)
            .target(event ->
                    VpcLatticeV2Response.builder().statusCode(200).body("ok").build())
            .build();

    /** A stream of zeros that counts what the client read from it. */
    static final class CountingZeros extends FilterInputStream {
        final AtomicLong read = new AtomicLong();
        private long left;

        CountingZeros(long length) {
            super(InputStream.nullInputStream());
            left = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            read.addAndGet(n);
            return n;
        }

        @Override
        public int available() throws IOException {
            return 0;
        }
    }

    private static LatticeRequest.Builder post() {
        return LatticeRequest.builder()
                .method("POST")
                .url(lattice.endpoint())
                .path("/upload")
                .retryable(true);
    }

    @Test
    void sync_aTooLargeBody_gets413BeforeUploading_andIsNotRetried() {
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .trustedCertificates(lattice.certificate().x509())
                .tracing(false)
                .build()) {
            // GIVEN a retryable 7 MB POST from a stream that counts what is read of it
            CountingZeros stream = new CountingZeros(SEVEN_MB);
            LatticeResponse streamed = client.send(post().body(stream, SEVEN_MB).build());
            LatticeServiceException e = assertThrows(LatticeServiceException.class, streamed::ensureSuccess);
            // THEN the 413 arrived as an answer, after one attempt, and the body was not uploaded
            assertEquals(413, e.statusCode());
            assertEquals(1, streamed.attempts());
            assertTrue(stream.read.get() < 1024 * 1024, "read " + stream.read.get() + " bytes of the body");

            LatticeResponse bytes = client.send(post().body(new byte[SEVEN_MB]).build());
            assertEquals(413, bytes.statusCode());
            assertEquals(1, bytes.attempts());
        }
        assertEquals(0, lattice.receivedEvents().size());
    }

    @Test
    void async_aTooLargeBody_gets413BeforeUploading_andIsNotRetried() {
        try (LatticeAsyncClient client = LatticeAsyncClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .trustedCertificates(lattice.certificate().x509())
                .tracing(false)
                .build()) {
            CountingZeros stream = new CountingZeros(SEVEN_MB);
            LatticeResponse streamed =
                    client.send(post().body(stream, SEVEN_MB).build()).join();
            LatticeServiceException e = assertThrows(LatticeServiceException.class, streamed::ensureSuccess);
            assertEquals(413, e.statusCode());
            assertEquals(1, streamed.attempts());
            assertTrue(stream.read.get() < 1024 * 1024, "read " + stream.read.get() + " bytes of the body");

            LatticeResponse bytes =
                    client.send(post().body(new byte[SEVEN_MB]).build()).join();
            assertEquals(413, bytes.statusCode());
            assertEquals(1, bytes.attempts());
        }
        assertEquals(0, lattice.receivedEvents().size());
    }

    @Test
    void aBodyUnderTheLimit_withExpectContinue_isAccepted() {
        try (LatticeClient client = LatticeClient.builder()
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(lattice.credentials())
                .trustedCertificates(lattice.certificate().x509())
                .expectContinueThreshold(1024)
                .tracing(false)
                .build()) {
            // JSON: the local Lattice fails text/plain; charset=UTF-8 signatures (its HTTP server rewrites the value)
            LatticeResponse response =
                    client.send(post().jsonBody(java.util.Map.of("data", "a".repeat(2 * 1024 * 1024)))
                            .build());
            assertEquals(200, response.statusCode(), response::bodyAsString);
        }
        assertEquals(2 * 1024 * 1024 + 11, lattice.receivedEvents().get(0).decodeBody().length);
    }
}
