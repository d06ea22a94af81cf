package dev.vpclattice.client.internal;

import java.util.function.Predicate;

/**
 * The one place that detects the optional dependencies (X-Ray recorder, CRT signer) by class name, so the library
 * runs without them.
 */
public final class OptionalDependencies {
    /** A class of {@code com.amazonaws:aws-xray-recorder-sdk-core}. */
    public static final String XRAY_RECORDER = "com.amazonaws.xray.AWSXRay";
    /** The SigV4A implementation in {@code software.amazon.awssdk:http-auth-aws-crt}. */
    public static final String CRT_V4A_SIGNER = "software.amazon.awssdk.http.auth.aws.crt.internal.signer.DefaultAwsCrtV4aHttpSigner";
    /** The native signer of {@code software.amazon.awssdk.crt:aws-crt}, which the SigV4A implementation calls. */
    public static final String CRT_NATIVE_SIGNER = "software.amazon.awssdk.crt.auth.signing.AwsSigner";

    /** Answers by loading the class (without initialising it) with this library's class loader. */
    public static final Predicate<String> CLASSPATH = OptionalDependencies::isPresent;

    private OptionalDependencies() {
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, OptionalDependencies.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
