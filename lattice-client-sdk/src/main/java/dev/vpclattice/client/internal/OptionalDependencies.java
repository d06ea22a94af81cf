package dev.vpclattice.client.internal;

import dev.vpclattice.client.internal.compat.DependencyCheck;
import java.util.function.Predicate;

/**
 * The one place that detects the optional dependencies (X-Ray recorder, OpenTelemetry API, CRT signer, VPC Lattice
 * control-plane client, Apache 5 and Netty HTTP clients) by class name, so the library runs without them.
 */
@LatticeInternalApi
public final class OptionalDependencies {
    /** A class of {@code com.amazonaws:aws-xray-recorder-sdk-core}. */
    public static final String XRAY_RECORDER = "com.amazonaws.xray.AWSXRay";
    /** A class of {@code io.opentelemetry:opentelemetry-api}. */
    public static final String OPENTELEMETRY_API = "io.opentelemetry.api.GlobalOpenTelemetry";
    /**
     * The native signer of {@code software.amazon.awssdk.crt:aws-crt}. The SDK's SigV4A implementation ships inside
     * {@code http-auth-aws} itself (SDK 2.57); {@code http-auth-aws-crt} holds only a marker class, which
     * {@code AwsV4aHttpSigner.create()} checks for itself, and pulls in aws-crt, which nothing checks before the
     * first signature.
     */
    public static final String CRT_NATIVE_SIGNER = "software.amazon.awssdk.crt.auth.signing.AwsSigner";
    /** The VPC Lattice control-plane client of {@code software.amazon.awssdk:vpclattice}, for service discovery. */
    public static final String VPC_LATTICE_CLIENT = "software.amazon.awssdk.services.vpclattice.VpcLatticeClient";

    /**
     * The default sync HTTP client, of {@code software.amazon.awssdk:apache5-client}: a dependency of the library that
     * the HTTP client adapters leave out, since their own HTTP client sends.
     */
    public static final String APACHE5_HTTP_CLIENT = "software.amazon.awssdk.http.apache5.Apache5HttpClient";

    /** The default async HTTP client, of {@code software.amazon.awssdk:netty-nio-client}. */
    public static final String NETTY_ASYNC_CLIENT = "software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient";

    /** Answers by finding the class's file with this library's class loader, without loading the class. */
    public static final Predicate<String> CLASSPATH = OptionalDependencies::isPresent;

    private OptionalDependencies() {}

    private static boolean isPresent(String className) {
        // false below its floor (DependencyCheck warns once)
        return DependencyCheck.classFile(className) != null && DependencyCheck.usable(className);
    }
}
