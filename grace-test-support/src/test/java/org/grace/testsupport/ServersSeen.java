package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a test class run through {@link InnerRun} was handed by an extension: the class's server each time a
 * parameter asked for it, and every {@code @}{@link Fresh} one. The outer test looks at it once that class has ended.
 */
final class ServersSeen<T> {
    /** The class's server (or database), once for every parameter that received it. */
    final List<T> ofClass = new CopyOnWriteArrayList<>();
    /** Each {@code @Fresh} server (or database) handed out. */
    final List<T> fresh = new CopyOnWriteArrayList<>();

    /**
     * Runs {@code testClass} ({@code tests} tests, all passing) and checks that every parameter of the class's kind got
     * the one class server, {@code classSightings} times in all, and that the {@code freshOnes} fresh ones were others.
     * Returns the class's server, for what the caller checks of its end.
     */
    T runAndCheckOnePerClass(Class<?> testClass, int tests, int classSightings, int freshOnes) {
        InnerRun.runPassing(testClass, tests);
        assertThat(ofClass).hasSize(classSightings);
        assertThat(ofClass.stream().distinct()).hasSize(1);
        assertThat(fresh).hasSize(freshOnes).doesNotContainAnyElementsOf(ofClass);
        return ofClass.get(0);
    }
}
