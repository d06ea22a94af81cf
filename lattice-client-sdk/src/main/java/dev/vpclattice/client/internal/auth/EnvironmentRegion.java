package dev.vpclattice.client.internal.auth;

import dev.vpclattice.client.internal.LatticeInternalApi;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The region of the environment, as the SDK's default region chain finds it.
 *
 * <p>The chain's first link, the {@code aws.region} system property and then {@code AWS_REGION}, is read before the
 * chain is built: inside Lambda, which always sets {@code AWS_REGION}, the profile and instance-metadata providers are
 * then never loaded during a cold start.
 */
@LatticeInternalApi
public final class EnvironmentRegion {
    private EnvironmentRegion() {}

    /**
     * Finds the region.
     *
     * @return the region
     * @throws SdkClientException if no link of the chain has one
     */
    public static Region find() {
        return SdkSystemSetting.AWS_REGION
                .getStringValue()
                .filter(value -> !value.isBlank())
                .map(Region::of)
                .orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion());
    }
}
