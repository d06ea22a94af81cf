package dev.vpclattice.client.testing;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LatticeRequestSigner} that hands every call to a real one and keeps the secret values of what it returned:
 * each {@code Authorization} (whole, and its signature) and {@code X-Amz-Security-Token}, whether the request was then
 * accepted or refused.
 */
public final class RecordingSigner implements LatticeRequestSigner {
    private final LatticeRequestSigner signer;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /**
     * Wraps a signer.
     *
     * @param signer the real signer, closed with this one
     */
    public RecordingSigner(LatticeRequestSigner signer) {
        this.signer = signer;
    }

    /**
     * Returns the secret values of every signature returned so far.
     *
     * @return the values
     */
    public List<String> secrets() {
        return List.copyOf(secrets);
    }

    @Override
    public Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers) {
        return record(signer.sign(method, uri, headers));
    }

    @Override
    public CompletableFuture<Map<String, String>> signAsync(String method, URI uri, Map<String, List<String>> headers) {
        return signer.signAsync(method, uri, headers).thenApply(this::record);
    }

    @Override
    public boolean signs(URI uri) {
        return signer.signs(uri);
    }

    @Override
    public void close() {
        signer.close();
    }

    private Map<String, String> record(Map<String, String> added) {
        added.forEach((name, value) -> {
            if (name.equalsIgnoreCase("authorization")) {
                secrets.add(value);
                secrets.add(value.substring(value.indexOf("Signature=") + "Signature=".length()));
            } else if (name.equalsIgnoreCase("x-amz-security-token")) {
                secrets.add(value);
            }
        });
        return added;
    }
}
