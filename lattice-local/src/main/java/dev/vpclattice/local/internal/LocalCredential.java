package dev.vpclattice.local.internal;

import java.util.Objects;

/**
 * A credential the local Lattice trusts, and the principal it authenticates as.
 *
 * @param accessKeyId the access key id, looked up from the signature's credential scope
 * @param secretAccessKey the secret key; never logged
 * @param sessionToken the session token the caller must sign and send, or null for long-term keys; never logged
 * @param principalArn the IAM principal the event reports for this credential
 */
public record LocalCredential(String accessKeyId, String secretAccessKey, String sessionToken, String principalArn) {

    /** Validates the required parts. */
    public LocalCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(principalArn, "principalArn");
        if (accessKeyId.isBlank() || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException(
                    "A credential needs a non-blank access key id and secret key (access key id: '" + accessKeyId
                            + "')");
        }
    }

    /**
     * The session name Lattice reports for an assumed-role principal: the last part of
     * {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}.
     *
     * @return the session name, or null when the principal is not an assumed role
     */
    public String sessionName() {
        int marker = principalArn.indexOf(":assumed-role/");
        if (marker < 0) {
            return null;
        }
        int slash = principalArn.lastIndexOf('/');
        return slash > marker + ":assumed-role/".length() ? principalArn.substring(slash + 1) : null;
    }

    /** Keeps the secret and the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "LocalCredential[accessKeyId=" + accessKeyId + ", principalArn=" + principalArn + ", session="
                + (sessionToken != null) + "]";
    }
}
