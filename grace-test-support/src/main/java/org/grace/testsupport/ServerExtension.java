package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * The parameter side of an extension that hands out one kind of server: a parameter of its type gets the one its
 * {@link ServerStore} keeps for the parameter's lifetime (the class's, or with {@link Fresh} the method's own).
 * Subclasses add what happens between tests and static accessors for extensions that build on them.
 */
public abstract class ServerExtension<T> extends TypedParameterResolver<T> {
    private final ServerStore<T> store;

    protected ServerExtension(ServerStore<T> store) {
        super(store.type());
        this.store = store;
    }

    @Override
    protected final T resolve(ParameterContext parameter, ExtensionContext context) {
        return store.forParameter(parameter, context);
    }
}
