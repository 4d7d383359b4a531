package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/** Shared by the server extensions (and extensions built on them in other modules): where a lifetime lives. */
public final class ExtensionStores {
    private ExtensionStores() {
    }

    /**
     * The context of the test class the given context belongs to: a server kept there lives as long as the class
     * (JUnit closes the {@link AutoCloseable} values of a store when its context ends).
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
