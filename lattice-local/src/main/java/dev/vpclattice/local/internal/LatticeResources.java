package dev.vpclattice.local.internal;

/**
 * The fake-but-well-formed ARNs of the emulated service, its network, its target group and the caller's VPC.
 *
 * @param region the region in every ARN
 * @param accountId the 12-digit account in every ARN
 * @param serviceArn {@code arn:aws:vpc-lattice:REGION:ACCOUNT:service/svc-...}
 * @param serviceNetworkArn {@code arn:aws:vpc-lattice:REGION:ACCOUNT:servicenetwork/sn-...}
 * @param targetGroupArn {@code arn:aws:vpc-lattice:REGION:ACCOUNT:targetgroup/tg-...}
 * @param sourceVpcArn {@code arn:aws:ec2:REGION:ACCOUNT:vpc/vpc-...}
 */
public record LatticeResources(
        String region,
        String accountId,
        String serviceArn,
        String serviceNetworkArn,
        String targetGroupArn,
        String sourceVpcArn) {
    /** The resource ids used when none are configured: 17 hex digits, as AWS generates them. */
    public static final String DEFAULT_ID = "0123456789abcdef0";

    /**
     * Derives every ARN from the region and account with the default ids.
     *
     * @param region the region, e.g. {@code us-east-1}
     * @param accountId the account id, e.g. {@code 123456789012}
     * @return the resources
     */
    public static LatticeResources of(String region, String accountId) {
        String lattice = "arn:aws:vpc-lattice:" + region + ":" + accountId + ":";
        return new LatticeResources(
                region,
                accountId,
                lattice + "service/svc-" + DEFAULT_ID,
                lattice + "servicenetwork/sn-" + DEFAULT_ID,
                lattice + "targetgroup/tg-" + DEFAULT_ID,
                "arn:aws:ec2:" + region + ":" + accountId + ":vpc/vpc-" + DEFAULT_ID);
    }
}
