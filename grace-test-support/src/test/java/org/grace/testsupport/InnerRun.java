package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a test class through the JUnit launcher inside a test, so that the test can look at what an extension left
 * behind once that class has ended (which servers are still running).
 */
final class InnerRun {
    private InnerRun() {
    }

    /** Runs {@code testClass} and checks that its {@code tests} tests ran and passed (naming the failures if not). */
    static void runPassing(Class<?> testClass, int tests) {
        TestExecutionSummary summary = run(testClass);
        assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(tests);
    }

    /** Runs {@code testClass} and returns what happened, for a class with tests meant to fail. */
    static TestExecutionSummary run(Class<?> testClass) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), listener);
        return listener.getSummary();
    }

    /** The failures of a run as text, for an assertion message. */
    static String failures(TestExecutionSummary summary) {
        StringBuilder out = new StringBuilder();
        summary.getFailures().forEach(f -> out.append(f.getTestIdentifier().getDisplayName()).append(": ")
                .append(f.getException()).append('\n'));
        return out.toString();
    }
}
