package org.grace.testsupport;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A throwaway embedded PostgreSQL 17 for a test class ({@link WithPostgres}), as {@link PostgresServer} starts it.
 * Parameters it fills (constructor, {@code @BeforeAll}, {@code @BeforeEach}, test methods):
 * <ul>
 *   <li>{@link PostgresDatabase}: a database created for this test class in the class's server (named after the
 *   class), so what one class migrates never meets another's schema;</li>
 *   <li>{@code @}{@link Fresh} {@link PostgresDatabase}: a new empty database for this one method (in the same
 *   server), for tests that each want a clean schema;</li>
 *   <li>{@link PostgresServer}: the class's server itself, to stop and start it for outage tests.</li>
 * </ul>
 * The server starts on a free loopback port the first time a parameter asks for it and stops when the class ends;
 * after every test it is started again if the test left it stopped. Only the server this extension started is
 * ever stopped.
 */
public final class PostgresExtension implements ParameterResolver, AfterEachCallback {
    private static final ServerStore<PostgresServer> SERVERS =
            ServerStore.perClassOrFresh(PostgresExtension.class, PostgresServer.class, PostgresServer::start);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final AtomicInteger FRESH_DATABASES = new AtomicInteger();

    /** The class's server, started on first use; for other extensions that build on it (a Grace instance). */
    public static PostgresServer classServer(ExtensionContext context) {
        return SERVERS.ofClass(context);
    }

    /** The database created for the class, on first use. */
    public static PostgresDatabase classDatabase(ExtensionContext context) {
        ExtensionContext classContext = ExtensionStores.classContext(context);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(PostgresDatabase.class, key -> {
            PostgresServer server = classServer(classContext);
            String name = databaseName(classContext.getRequiredTestClass().getSimpleName());
            server.createDatabase(name);
            return new PostgresDatabase(server, name);
        }, PostgresDatabase.class);
    }

    /** The current test method's own server ({@code @Fresh PostgresServer}), stopped when the test ends. */
    public static PostgresServer methodServer(ExtensionContext context) {
        return SERVERS.ofMethod(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresDatabase.class || type == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        boolean fresh = ExtensionStores.fresh(parameter);
        if (parameter.getParameter().getType() == PostgresServer.class) {
            return fresh ? methodServer(context) : classServer(context);
        }
        if (!fresh) {
            return classDatabase(context);
        }
        PostgresServer server = classServer(context);
        String name = databaseName(context.getTestMethod().map(m -> m.getName())
                .orElse(context.getRequiredTestClass().getSimpleName())) + "_" + FRESH_DATABASES.incrementAndGet();
        server.createDatabase(name);
        return new PostgresDatabase(server, name);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SERVERS.ifMade(context, PostgresServer::restart); // no-op if running
    }

    /** A lower-case identifier PostgreSQL accepts unquoted, at most 50 characters (the limit is 63). */
    static String databaseName(String from) {
        String name = from.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        return name.length() > 50 ? name.substring(0, 50) : name;
    }
}
