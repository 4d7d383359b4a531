package org.grace.testsupport;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * Where an extension keeps one kind of throwaway server (or group, browser, load balancers) in JUnit's stores, and
 * so how long each lives: the test class's one, made on first use and closed when the class ends, and, where the
 * kind allows {@link Fresh}, a test method's own, closed when that test ends. JUnit closes the {@link AutoCloseable}
 * values of a store when its context ends, in the reverse order of their making.
 */
public final class ServerStore<T> {
    private static final String METHOD_KEY = "fresh";

    private final ExtensionContext.Namespace namespace;
    private final Class<T> type;
    private final Supplier<T> start;
    private final boolean freshAllowed;

    private ServerStore(Class<?> owner, Class<T> type, Supplier<T> start, boolean freshAllowed) {
        this.namespace = ExtensionContext.Namespace.create(owner);
        this.type = type;
        this.start = start;
        this.freshAllowed = freshAllowed;
    }

    /** One per test class; a {@link Fresh} parameter of this type is refused. */
    public static <T> ServerStore<T> perClass(Class<?> owner, Class<T> type, Supplier<T> start) {
        return new ServerStore<>(owner, type, start, false);
    }

    /** One per test class, and one of its own for each test method that asks with {@link Fresh}. */
    public static <T> ServerStore<T> perClassOrFresh(Class<?> owner, Class<T> type, Supplier<T> start) {
        return new ServerStore<>(owner, type, start, true);
    }

    public Class<T> type() {
        return type;
    }

    /** The test class's one, made on first use. A {@code @Nested} class is a class of its own here. */
    public T ofClass(ExtensionContext context) {
        return ExtensionStores.classContext(context).getStore(namespace)
                .getOrComputeIfAbsent(type, key -> start.get(), type);
    }

    /**
     * The current test method's own, made on first use and closed when the test ends; every {@link Fresh} parameter
     * of one method (and of its {@code @BeforeEach}/{@code @AfterEach}) gets this same one.
     */
    public T ofMethod(ExtensionContext context) {
        String name = type.getSimpleName();
        if (!freshAllowed) {
            throw new IllegalStateException("@Fresh " + name + " is not offered: there is one per test class");
        }
        if (context.getTestMethod().isEmpty()) {
            throw new IllegalStateException("@Fresh " + name + " is for test methods and their @BeforeEach/@AfterEach;"
                    + " a class-wide one is the one without @Fresh");
        }
        return context.getStore(namespace).getOrComputeIfAbsent(METHOD_KEY, key -> start.get(), type);
    }

    /** The method's own for a {@link Fresh} parameter, else the class's. */
    public T forParameter(ParameterContext parameter, ExtensionContext context) {
        return ExtensionStores.fresh(parameter) ? ofMethod(context) : ofClass(context);
    }

    /**
     * Hands the class's one to {@code action} if one was made: after each test, to leave it as the next test expects
     * it (a stopped server started again), whatever the test did to it.
     */
    public void ifMade(ExtensionContext context, Consumer<T> action) {
        T made = ExtensionStores.classContext(context).getStore(namespace).get(type, type);
        if (made != null) {
            action.accept(made);
        }
    }
}
