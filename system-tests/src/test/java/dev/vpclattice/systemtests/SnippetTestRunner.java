package dev.vpclattice.systemtests;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a README snippet that is a JUnit test class, as a user's build would: in a JVM of its own, through the JUnit
 * Platform. Exits 0 only when at least one test ran and none failed or was aborted.
 */
public final class SnippetTestRunner {
    private SnippetTestRunner() {}

    /**
     * Runs one test class.
     *
     * @param args the test class's binary name
     */
    public static void main(String[] args) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(args[0]))
                        .build(),
                listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 20);
        boolean passed = summary.getTestsSucceededCount() > 0
                && summary.getTotalFailureCount() == 0
                && summary.getTestsAbortedCount() == 0;
        System.exit(passed ? 0 : 1);
    }
}
