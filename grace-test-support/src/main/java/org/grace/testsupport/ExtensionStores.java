package org.grace.testsupport;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/** Shared by the server extensions (and extensions built on them in other modules): where a lifetime lives. */
public final class ExtensionStores {
    private ExtensionStores() {
    }

    /**
     * The context of the test class the given context belongs to: a server kept there lives as long as the class
     * (JUnit closes the {@link AutoCloseable} values of a store when its context ends). A {@code @Nested} class is a
     * class of its own here: it gets its own servers.
     */
    public static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /**
     * The class's {@code type} kept under {@code namespace}: made by {@code start} on first use, closed when the class
     * ends (for a server: stopped).
     */
    public static <T> T ofClass(ExtensionContext context, ExtensionContext.Namespace namespace, Class<T> type,
                                Supplier<T> start) {
        return classContext(context).getStore(namespace).getOrComputeIfAbsent(type, key -> start.get(), type);
    }

    /**
     * Hands the class's {@code type} to {@code action} if one was made: after each test, to leave it as the next test
     * expects it (a stopped server started again), whatever the test did to it.
     */
    public static <T> void ifMade(ExtensionContext context, ExtensionContext.Namespace namespace, Class<T> type,
                                  Consumer<T> action) {
        T made = classContext(context).getStore(namespace).get(type, type);
        if (made != null) {
            action.accept(made);
        }
    }

    /** Whether the parameter asks for a server of its own ({@link Fresh}). */
    public static boolean fresh(ParameterContext parameter) {
        return parameter.isAnnotated(Fresh.class);
    }
}
