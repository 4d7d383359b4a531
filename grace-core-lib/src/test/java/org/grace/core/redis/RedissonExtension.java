package org.grace.core.redis;

import org.grace.testsupport.ExtensionStores;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.RedisExtension;
import org.grace.testsupport.RedisServer;
import org.grace.testsupport.TypedParameterResolver;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.redisson.api.RedissonClient;

/**
 * Redisson clients for tests, built by {@link RedisClients} as the library's users build them, on the Redis that
 * {@link RedisExtension} started ({@link WithRedisson} brings both):
 * <ul>
 *   <li>a {@link RedissonClient} parameter is a client of the class's Redis, one per {@link ClientName} (default:
 *   the class's simple name), shut down when the class ends;</li>
 *   <li>a {@code @}{@link Fresh} {@link RedissonClient} is a client of the test method's own Redis (the one its
 *   {@code @Fresh RedisServer} parameters get), shut down when the test ends, before that Redis stops.</li>
 * </ul>
 */
public final class RedissonExtension extends TypedParameterResolver<RedissonClient> {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedissonExtension.class);

    public RedissonExtension() {
        super(RedissonClient.class);
    }

    @Override
    protected RedissonClient resolve(ParameterContext parameter, ExtensionContext context) {
        boolean fresh = ExtensionStores.fresh(parameter);
        String name = parameter.findAnnotation(ClientName.class).map(ClientName::value)
                .orElseGet(() -> fresh ? context.getRequiredTestMethod().getName()
                        : context.getRequiredTestClass().getSimpleName());
        // The server first, so that it enters the store before the client and JUnit closes the client first.
        RedisServer server = fresh ? RedisExtension.methodServer(context) : RedisExtension.classServer(context);
        ExtensionContext owner = fresh ? context : ExtensionStores.classContext(context);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(name,
                key -> new OpenClient(RedisClients.create(RedisUrl.parse(server.url()), name)), OpenClient.class)
                .client();
    }

    /** A client kept in a JUnit store, shut down when the store closes. */
    private record OpenClient(RedissonClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.shutdown();
        }
    }
}
