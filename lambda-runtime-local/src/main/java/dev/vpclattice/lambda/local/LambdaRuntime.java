package dev.vpclattice.lambda.local;

import java.util.ArrayList;
import java.util.List;

/** A managed Lambda Java runtime whose JVM settings {@link LocalLambda} reproduces. */
public enum LambdaRuntime {
    /**
     * {@code java25}: tier-1 compilation on demand, the JVM's default tiers under SnapStart and provisioned
     * concurrency, and an AOT cache for the runtime interface client instead of the JDK's CDS archive.
     */
    JAVA25("java25", true),
    /** {@code java21}: tier-1 compilation always, the JDK's CDS archive ({@code -Xshare:auto}). */
    JAVA21("java21", false);

    private static final List<String> COMMON = List.of(
            "-XX:+UseSerialGC",
            "-Djava.net.preferIPv4Stack=true",
            "-Dfile.encoding=UTF-8",
            "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");

    private final String identifier;
    private final boolean runtimeClientAotCache;

    LambdaRuntime(String identifier, boolean runtimeClientAotCache) {
        this.identifier = identifier;
        this.runtimeClientAotCache = runtimeClientAotCache;
    }

    /**
     * Returns the runtime's identifier.
     *
     * @return the identifier in a function's {@code Runtime} property, such as {@code java25}
     */
    public String identifier() {
        return identifier;
    }

    /**
     * Tells whether the runtime starts its runtime interface client from an AOT cache.
     *
     * @return whether the runtime starts its runtime interface client from an AOT cache (JDK 25's
     *     {@code -XX:AOTCache}) rather than from the JDK's class-data-sharing archive
     */
    public boolean runtimeClientAotCache() {
        return runtimeClientAotCache;
    }

    /**
     * Returns the runtime's JVM flags, without the heap size and the AOT cache.
     *
     * @param snapStart whether the environment is initialised for a SnapStart snapshot
     *     ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) rather than on demand
     * @return the flags, in order
     */
    public List<String> jvmArguments(boolean snapStart) {
        List<String> flags = new ArrayList<>();
        // Lambda: "For Java 17 and 21 ... stop tiered compilation at level 1 by default. Starting with Java 25 ...
        // unless SnapStart or provisioned concurrency is used, in which case the default JVM settings are used."
        if (this != JAVA25 || !snapStart) {
            flags.add("-XX:+TieredCompilation");
            flags.add("-XX:TieredStopAtLevel=1");
        }
        flags.addAll(COMMON);
        if (!runtimeClientAotCache) {
            // An AOT cache cannot be combined with any -Xshare option: the JVM refuses to start.
            flags.add("-Xshare:auto");
        }
        return List.copyOf(flags);
    }

    /**
     * Returns the value Lambda sets in {@code AWS_EXECUTION_ENV}.
     *
     * @return {@code AWS_Lambda_} followed by the identifier
     */
    public String executionEnvironment() {
        return "AWS_Lambda_" + identifier;
    }
}
