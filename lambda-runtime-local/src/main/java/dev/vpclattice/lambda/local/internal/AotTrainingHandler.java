package dev.vpclattice.lambda.local.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The function an AOT cache for the runtime interface client is trained with: it answers its input, so that the
 * training run goes through the runtime client's whole loop (load the handler, fetch an event, call, post the answer)
 * and nothing of its own ends up in the cache.
 */
public final class AotTrainingHandler implements RequestStreamHandler {
    /** Called by the runtime interface client. */
    public AotTrainingHandler() {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(output);
    }
}
