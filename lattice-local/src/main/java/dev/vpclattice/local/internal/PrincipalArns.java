package dev.vpclattice.local.internal;

import java.util.regex.Pattern;

/** The one rule for the principal ARNs the local tools accept: the builders of LocalLattice and its JUnit extension. */
public final class PrincipalArns {
    /** An IAM user, role or root, or an STS assumed-role session or federated user, in any partition. */
    private static final Pattern PRINCIPAL_ARN =
            Pattern.compile("arn:aws(-[a-z]+)*:(iam::\\d{12}:(root|(user|role)/[\\w+=,.@/-]+)"
                    + "|sts::\\d{12}:(assumed-role/[\\w+=,.@/-]+/[\\w+=,.@-]+|federated-user/[\\w+=,.@-]+))");

    private PrincipalArns() {}

    /**
     * Checks that a value is an IAM principal ARN.
     *
     * @param value the value, already trimmed
     * @param what the setting it is for, the start of the error message
     * @return the value
     * @throws IllegalArgumentException if it is not an IAM user, role, root, assumed-role or federated-user ARN; the
     *     message repeats the value only when it starts with {@code arn:}, since anything else may be a misplaced secret
     */
    public static String require(String value, String what) {
        if (!PRINCIPAL_ARN.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be an IAM principal ARN, such as"
                    + " arn:aws:iam::123456789012:user/name or"
                    + " arn:aws:sts::123456789012:assumed-role/role-name/session-name, not "
                    + (value.startsWith("arn:") ? "'" + value + "'" : "a value that does not start with 'arn:'"));
        }
        return value;
    }
}
