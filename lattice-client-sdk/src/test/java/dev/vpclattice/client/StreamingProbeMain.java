package dev.vpclattice.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Run in a child JVM with a small heap by {@link LatticeClientStreamingTest}: uploads and downloads a large body with
 * each client through the public API, and prints what it sent, received and the largest heap it saw.
 */
public final class StreamingProbeMain {
    private StreamingProbeMain() {}

    /** A deterministic stream of {@code length} bytes, generated as read. */
    static final class Pattern extends InputStream {
        private long left;
        private long position;

        Pattern(long length) {
            left = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (position++ * 31);
            }
            left -= n;
            return n;
        }
    }

    static long crc(InputStream in, long[] count) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            crc.update(buffer, 0, n);
            count[0] += n;
            peak();
        }
        return crc.getValue();
    }

    private static long peakHeap;

    static void peak() {
        Runtime runtime = Runtime.getRuntime();
        peakHeap = Math.max(peakHeap, runtime.totalMemory() - runtime.freeMemory());
    }

    /**
     * Runs the transfers.
     *
     * @param args the server's base URL, the PEM of its certificate, the body size in bytes
     * @throws Exception if a transfer fails
     */
    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path pem = Path.of(args[1]);
        long size = Long.parseLong(args[2]);
        long expected = crc(new Pattern(size), new long[1]);
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDSTREAMING0000001", "streaming-secret"));
        try (LatticeClient client = LatticeClient.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .trustedCertificates(pem)
                        .tracing(false)
                        .build();
                LatticeAsyncClient async = LatticeAsyncClient.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .trustedCertificates(pem)
                        .tracing(false)
                        .build()) {
            String syncUp = client.send(
                            r -> r.method("POST").url(base + "/upload").body(new Pattern(size), size))
                    .ensureSuccess()
                    .bodyAsString();
            peak();
            long[] syncCount = new long[1];
            long syncCrc;
            try (LatticeResponseInputStream in = client.sendStreaming(
                    LatticeRequest.builder().url(base + "/download").build())) {
                in.response().ensureSuccess();
                syncCrc = crc(in, syncCount);
            }
            String asyncUp = async.send(
                            r -> r.method("POST").url(base + "/upload").body(new Pattern(size), size))
                    .join()
                    .ensureSuccess()
                    .bodyAsString();
            peak();
            long[] asyncCount = new long[1];
            long asyncCrc;
            try (LatticeResponseInputStream in = async.sendStreaming(
                            LatticeRequest.builder().url(base + "/download").build())
                    .join()) {
                in.response().ensureSuccess();
                asyncCrc = crc(in, asyncCount);
            }
            System.out.println("expected " + size + " " + expected);
            System.out.println("sync-upload " + syncUp);
            System.out.println("sync-download " + syncCount[0] + " " + syncCrc);
            System.out.println("async-upload " + asyncUp);
            System.out.println("async-download " + asyncCount[0] + " " + asyncCrc);
            System.out.println("peak-heap-mb " + peakHeap / (1024 * 1024) + " max-heap-mb "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }
}
