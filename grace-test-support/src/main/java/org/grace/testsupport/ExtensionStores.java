package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * Shared by the server extensions (and extensions built on them in other modules): where a lifetime lives. What is
 * kept there per kind of server: {@link ServerStore}.
 */
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

    /** Whether the parameter asks for a server of its own ({@link Fresh}). */
    public static boolean fresh(ParameterContext parameter) {
        return parameter.isAnnotated(Fresh.class);
    }
}
