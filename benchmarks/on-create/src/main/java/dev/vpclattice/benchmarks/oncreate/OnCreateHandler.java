package dev.vpclattice.benchmarks.oncreate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A minimal user of the library in Lambda: {@code LatticeClient.create()}, which there picks the CRT HTTP client, the
 * region and the default credentials on its own; it POSTs its input event to {@code LATTICE_ENDPOINT} and returns the
 * service's answer, as the hand-written peer does.
 */
public final class OnCreateHandler implements RequestStreamHandler {
    private final LatticeClient client = LatticeClient.create();
    private final String endpoint = System.getenv("LATTICE_ENDPOINT");

    /** Called by the Lambda runtime. */
    public OnCreateHandler() {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] answer = client.send(LatticeRequest.builder()
                        .method("POST")
                        .url(endpoint)
                        .header("content-type", "application/json")
                        .body(input.readAllBytes())
                        .build())
                .ensureSuccess()
                .body();
        output.write(answer);
    }
}
