package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A {@link ParameterResolver} for the parameters of exactly one type: the part every extension here (and the ones
 * built on them in other modules) has in common. A subclass says how to get the value for one parameter.
 */
public abstract class TypedParameterResolver<T> implements ParameterResolver {
    private final Class<T> type;

    protected TypedParameterResolver(Class<T> type) {
        this.type = type;
    }

    @Override
    public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public final Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return resolve(parameter, context);
    }

    /** The value for {@code parameter}, which has this resolver's type. */
    protected abstract T resolve(ParameterContext parameter, ExtensionContext context);
}
