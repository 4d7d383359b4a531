package org.grace.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A throwaway S3 API server for a test class ({@link WithS3}): declare an {@link S3Server} parameter in the
 * constructor, a {@code @BeforeAll}, {@code @BeforeEach} or test method and get the class's server, started on a free
 * loopback port the first time a parameter asks for it and stopped when the class ends. A parameter marked
 * {@link Fresh} gets a server of the test method's own, stopped when that test ends. Tests that share the class's
 * server keep apart by bucket.
 */
public final class S3Extension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3Extension.class);

    /** The class's server, started on first use. */
    public static S3Server classServer(ExtensionContext context) {
        return ExtensionStores.ofClass(context, NAMESPACE, S3Server.class, S3Server::start);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (!ExtensionStores.fresh(parameter)) {
            return classServer(context);
        }
        if (context.getTestMethod().isEmpty()) {
            throw new IllegalStateException("@Fresh S3Server is for test methods and their @BeforeEach/@AfterEach;"
                    + " a class-wide server is the one without @Fresh");
        }
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("fresh", key -> S3Server.start(), S3Server.class);
    }
}
