package dev.vpclattice.benchmarks.peer;

import software.amazon.awssdk.http.apache.ApacheHttpClient;

/** The hand-written peer on the SDK's Apache HttpClient 4 client, the one the User Guide's example uses. */
public final class ApachePeerHandler extends PeerHandler {
    /** Called by the Lambda runtime. */
    public ApachePeerHandler() {
        super(ApacheHttpClient.create());
    }
}
