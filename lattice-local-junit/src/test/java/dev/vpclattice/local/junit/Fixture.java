package dev.vpclattice.local.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A fixture class that a lifecycle test runs in a nested engine ({@link Runner#run(Class)}); it is skipped when a
 * build selects it directly (e.g. {@code -Dtest=LocalLatticeExtension*}), where it would prove nothing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Fixture.Runner.class)
@interface Fixture {

    /** Runs fixtures, and enables them only when it does. */
    final class Runner implements ExecutionCondition {
        private static final String PARAMETER = "lattice-local-junit.fixture";

        static EngineExecutionResults run(Class<?> fixture) {
            return EngineTestKit.engine("junit-jupiter")
                    .configurationParameter(PARAMETER, "true")
                    .selectors(DiscoverySelectors.selectClass(fixture))
                    .execute();
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(PARAMETER).isPresent()
                    ? ConditionEvaluationResult.enabled("run by a lifecycle test")
                    : ConditionEvaluationResult.disabled("a fixture of a lifecycle test, run only by that test");
        }
    }
}
