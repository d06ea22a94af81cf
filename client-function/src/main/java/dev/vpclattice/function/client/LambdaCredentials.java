package dev.vpclattice.function.client;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.utils.Lazy;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The execution role's credentials, where Lambda puts them: the environment variables {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} of an on-demand function, else the container endpoint
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}) through which Lambda
 * serves a SnapStart function. Both are the SDK's own providers, in the SDK's chain, which remembers the one that
 * answered.
 *
 * <p>Why not the SDK's default chain: it builds all six of its providers (system properties, environment, web
 * identity, profile file, container, instance metadata) on the first call, ~120 classes of which a Lambda function
 * uses one or two. Here the container provider, whose construction alone loads the SDK's JSON parser, is built only
 * when the environment has no keys. Resolution happens per call, as the library does it: rotated credentials are
 * picked up.
 */
final class LambdaCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
    private final Lazy<ContainerCredentialsProvider> container =
            new Lazy<>(() -> ContainerCredentialsProvider.builder().build());
    private final AwsCredentialsProviderChain chain;

    private LambdaCredentials() {
        this.chain = AwsCredentialsProviderChain.builder()
                .reuseLastProviderEnabled(true)
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(), new ContainerWhenNeeded())
                .build();
    }

    /** The container provider, built on its first call. */
    private final class ContainerWhenNeeded implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return container.getValue().resolveCredentials();
        }

        @Override
        public String toString() {
            return "ContainerCredentialsProvider()";
        }
    }

    /**
     * Creates the provider; nothing is read until the first {@link #resolveCredentials()}.
     *
     * @return a new provider
     */
    static LambdaCredentials create() {
        return new LambdaCredentials();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return chain.resolveCredentials();
    }

    @Override
    public void close() {
        chain.close();
        container.close();
    }

    @Override
    public String toString() {
        return "LambdaCredentials(environment, container)";
    }
}
