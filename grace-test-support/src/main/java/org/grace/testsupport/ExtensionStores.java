package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/** Where the server extensions keep what they started, so that JUnit closes each at the end of its lifetime. */
final class ExtensionStores {
    private ExtensionStores() {
    }

    /**
     * The context of the test class the given context belongs to: a server kept there lives as long as the class
     * (JUnit closes the {@link AutoCloseable} values of a store when its context ends).
     */
    static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** Whether the parameter asks for a server of its own ({@link Fresh}). */
    static boolean fresh(ParameterContext parameter) {
        return parameter.isAnnotated(Fresh.class);
    }

    /**
     * Keeps a server started for one method in that method's store: closed when the test ends. The key is the
     * parameter, so two {@code @Fresh} parameters of one method get two servers.
     */
    static <T extends AutoCloseable> T keepForMethod(ExtensionContext context, Class<?> owner,
            ParameterContext parameter, T server) {
        context.getStore(ExtensionContext.Namespace.create(owner, "fresh"))
                .put(parameter.getDeclaringExecutable().toGenericString() + "#" + parameter.getIndex(), server);
        return server;
    }
}
