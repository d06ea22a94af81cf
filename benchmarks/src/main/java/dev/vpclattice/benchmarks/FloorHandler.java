package dev.vpclattice.benchmarks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The cold-start floor: the least a Java Lambda behind VPC Lattice can do. It writes a constant Lattice response
 * and touches no JSON library, so its start-up is the runtime client's own. Every cold start is reported as a ratio
 * to this handler's, measured in the same run.
 *
 * <p>Handler string: {@code dev.vpclattice.benchmarks.FloorHandler}.
 */
public final class FloorHandler implements RequestStreamHandler {
    /** The answer, a 200 Lattice response with a small JSON body. */
    public static final byte[] ANSWER = ("{\"statusCode\":200,\"statusDescription\":\"200 OK\","
                    + "\"headers\":{\"content-type\":\"application/json\"},\"isBase64Encoded\":false,"
                    + "\"body\":\"{\\\"ok\\\":true}\"}")
            .getBytes(StandardCharsets.UTF_8);

    /**
     * Writes {@link #ANSWER}; the event is not read.
     *
     * @param input the event, ignored
     * @param output receives the answer
     * @param context ignored; may be null
     * @throws IOException if writing fails
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(ANSWER);
    }
}
