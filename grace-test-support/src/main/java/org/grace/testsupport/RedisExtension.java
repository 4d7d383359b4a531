package org.grace.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway {@code redis-server} for a test class ({@link WithRedis}): declare a {@link RedisServer} parameter in
 * the constructor, a {@code @BeforeAll}, {@code @BeforeEach} or test method and get the class's server, started on a
 * free loopback port the first time a parameter asks for it and stopped when the class ends. The handle has its URL
 * and port and the faults tests inject: {@link RedisServer#stop()}, {@link RedisServer#kill()} (SIGKILL),
 * {@link RedisServer#pause()} (SIGSTOP), {@link RedisServer#resume()} and {@link RedisServer#restart()}.
 *
 * <p>A parameter marked {@link Fresh} gets a server of the test method's own, stopped when that test ends. After
 * every test the class's server is brought back (resumed, started again) if the test left it paused or stopped, so
 * that one failing fault test cannot fail the tests after it. Only servers this extension started are ever stopped.
 */
public final class RedisExtension extends ServerExtension<RedisServer> implements AfterEachCallback {
    private static final ServerStore<RedisServer> SERVERS =
            ServerStore.perClassOrFresh(RedisExtension.class, RedisServer.class, RedisServer::start);

    public RedisExtension() {
        super(SERVERS);
    }

    /** The class's server, started on first use; for other extensions that build on it (a Grace instance). */
    public static RedisServer classServer(ExtensionContext context) {
        return SERVERS.ofClass(context);
    }

    /**
     * The current test method's own server ({@link Fresh}), started on first use and stopped when the test ends;
     * every {@code @Fresh RedisServer} parameter of one method gets this same server.
     */
    public static RedisServer methodServer(ExtensionContext context) {
        return SERVERS.ofMethod(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SERVERS.ifMade(context, RedisServer::bringBack);
    }
}
