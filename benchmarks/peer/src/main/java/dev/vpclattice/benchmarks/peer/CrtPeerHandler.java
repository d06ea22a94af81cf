package dev.vpclattice.benchmarks.peer;

import software.amazon.awssdk.http.crt.AwsCrtHttpClient;

/** The hand-written peer on the SDK's AWS CRT HTTP client. */
public final class CrtPeerHandler extends PeerHandler {
    /** Called by the Lambda runtime. */
    public CrtPeerHandler() {
        super(AwsCrtHttpClient.create());
    }
}
