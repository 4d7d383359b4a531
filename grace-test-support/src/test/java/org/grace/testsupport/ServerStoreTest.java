package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The lifetimes {@link ServerStore} gives through {@link ServerExtension}, with a stand-in for a server. */
class ServerStoreTest {
    /** What the parameters of {@link UsesStubs} were handed, in order: the class's one, or a fresh one. */
    private static final Map<Stub, String> HANDED_OUT = Collections.synchronizedMap(new LinkedHashMap<>());

    @Test
    void theClassSharesOneEachFreshTestGetsItsOwnAndEveryOneClosesWithItsLifetime() {
        InnerRun.runPassing(UsesStubs.class, 2);

        assertThat(HANDED_OUT).containsValues("class", "fresh").hasSize(2);
        assertThat(HANDED_OUT.keySet()).allMatch(stub -> stub.closed);
        Stub classStub = HANDED_OUT.keySet().iterator().next();
        assertThat(classStub.afterEachCalls).hasValue(2);
    }

    @Test
    void aKindWithOnePerClassRefusesFresh() {
        assertThat(failures(AsksOnePerClassForFresh.class))
                .containsExactly("@Fresh Stub is not offered: there is one per test class");
    }

    @Test
    void freshIsForTestMethodsOnly() {
        assertThat(failures(AsksFreshInBeforeAll.class)).singleElement().asString()
                .startsWith("@Fresh Stub is for test methods and their @BeforeEach/@AfterEach");
    }

    private static List<String> failures(Class<?> testClass) {
        TestExecutionSummary summary = InnerRun.run(testClass);
        // JUnit wraps what the resolver threw in its ParameterResolutionException.
        return summary.getFailures().stream().map(f -> f.getException().getCause())
                .map(e -> e == null ? "(no cause)" : e.getMessage()).toList();
    }

    /** Stands in for a server: closed or not, and how often the extension looked after it between tests. */
    static final class Stub implements AutoCloseable {
        final AtomicInteger afterEachCalls = new AtomicInteger();
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Hands out stubs, the class's one or a {@code @Fresh} test's own. */
    static final class StubExtension extends ServerExtension<Stub> implements AfterEachCallback {
        private static final ServerStore<Stub> STORE =
                ServerStore.perClassOrFresh(StubExtension.class, Stub.class, Stub::new);

        StubExtension() {
            super(STORE);
        }

        @Override
        public void afterEach(ExtensionContext context) {
            STORE.ifMade(context, stub -> stub.afterEachCalls.incrementAndGet());
        }
    }

    /** Hands out one stub per class and nothing else. */
    static final class OnePerClassExtension extends ServerExtension<Stub> {
        OnePerClassExtension() {
            super(ServerStore.perClass(OnePerClassExtension.class, Stub.class, Stub::new));
        }
    }

    /** Run only by the tests above (Surefire does not pick up nested classes). */
    @ExtendWith(StubExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UsesStubs {
        @BeforeAll
        static void before(Stub stub) {
            HANDED_OUT.put(stub, "class");
        }

        @Test
        @Order(1)
        void sharesTheClassOne(Stub stub) {
            assertThat(HANDED_OUT).containsEntry(stub, "class");
            assertThat(stub.closed).isFalse();
        }

        @Test
        @Order(2)
        void getsItsOwnOnceForAllItsFreshParameters(@Fresh Stub own, @Fresh Stub sameOwn, Stub shared) {
            assertThat(HANDED_OUT).containsEntry(shared, "class").doesNotContainKey(own);
            assertThat(sameOwn).isSameAs(own);
            HANDED_OUT.put(own, "fresh");
        }
    }

    @ExtendWith(OnePerClassExtension.class)
    static class AsksOnePerClassForFresh {
        @Test
        void asks(@Fresh Stub stub) {
        }
    }

    @ExtendWith(StubExtension.class)
    static class AsksFreshInBeforeAll {
        @BeforeAll
        static void asks(@Fresh Stub stub) {
        }

        @Test
        void neverRuns() {
        }
    }
}
