package dev.vpclattice.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * moto's AWS mock ({@code python3 -m moto.server}) as a real HTTP server on a free loopback port, for the VPC Lattice
 * control-plane API. moto picks the port itself ({@code -p 0}) and prints it, so no port is raced for.
 * {@code scripts/check-tools} checks that moto is installed.
 */
final class MotoServer implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Running on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final URI endpoint;
    private final StringBuffer output = new StringBuffer();

    private MotoServer() throws IOException, InterruptedException {
        process = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    // Drains moto's log for as long as it runs, so a full pipe never blocks it.
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            output.append(line).append('\n');
                            Matcher running = RUNNING.matcher(line);
                            if (running.find()) {
                                port.complete(Integer.parseInt(running.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    port.completeExceptionally(new IllegalStateException("moto_server ended before it listened"));
                },
                "moto-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            endpoint = URI.create("http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "moto_server did not start (python3 -m moto.server; install it with"
                            + " pip install 'moto[server]', scripts/check-tools checks it): " + output,
                    e);
        }
    }

    static MotoServer start() throws IOException, InterruptedException {
        return new MotoServer();
    }

    /** @return {@code http://127.0.0.1:PORT} */
    URI endpoint() {
        return endpoint;
    }

    /** The SDK's own VPC Lattice client, against this server, to create what a test looks up. */
    software.amazon.awssdk.services.vpclattice.VpcLatticeClient controlPlane(Region region) {
        return software.amazon.awssdk.services.vpclattice.VpcLatticeClient.builder()
                .region(region)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDMOTOSETUP0000001", "moto-setup-secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
