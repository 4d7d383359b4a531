package org.grace.webapp.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grace.testsupport.ExtensionStores;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.PostgresExtension;
import org.grace.testsupport.RedisExtension;
import org.grace.testsupport.RedisSentinelExtension;
import org.grace.testsupport.WithRedisSentinel;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Grace instances for a test class ({@link WithGrace}): a {@link GraceFleet} parameter starts real Payara Micro
 * processes with the WAR under test, through payara-config's {@link org.grace.launcher.PayaraInstance} (as
 * {@link GraceProcess} does), all pointed at the class's PostgreSQL database and Redis (or Redis with Sentinel when
 * the class also has {@link WithRedisSentinel}). Every instance the fleet started stops when the class ends.
 *
 * <p>It lives in grace-webapp's tests, not in grace-test-support, because it needs payara-config's launcher and the
 * WAR this module builds: payara-config already depends on grace-test-support (for its tests), so grace-test-support
 * depending on payara-config would be a cycle between modules.
 */
public final class GraceExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GraceExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GraceFleet.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = ExtensionStores.classContext(context);
        GraceFleet existing = classContext.getStore(NAMESPACE).get(GraceFleet.class, GraceFleet.class);
        if (existing != null) {
            return existing;
        }
        // The servers first: they enter the store before the fleet, so JUnit stops the instances before them.
        PostgresDatabase database = PostgresExtension.classDatabase(classContext);
        String redisUrl = AnnotationSupport.isAnnotated(classContext.getRequiredTestClass(), WithRedisSentinel.class)
                ? RedisSentinelExtension.classGroup(classContext).url()
                : RedisExtension.classServer(classContext).url();
        Map<String, String> shared = new HashMap<>();
        shared.put("GRACE_DB_URL", database.jdbcUrl());
        shared.put("GRACE_DB_USER", database.user());
        shared.put("GRACE_REDIS_URL", redisUrl);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(GraceFleet.class, key -> new GraceFleet(shared),
                GraceFleet.class);
    }

    /**
     * Starts Grace instances that share the class's database and Redis, and stops them all when the class ends.
     * Instances start one after the other: two Payara Micro boots at once on two busy cores are slower than two in a
     * row.
     */
    public static final class GraceFleet implements AutoCloseable {
        private final Map<String, String> shared;
        private final List<GraceProcess> started = Collections.synchronizedList(new ArrayList<>());

        private GraceFleet(Map<String, String> shared) {
            this.shared = Map.copyOf(shared);
        }

        /** The settings every instance gets: {@code GRACE_DB_URL}, {@code GRACE_DB_USER}, {@code GRACE_REDIS_URL}. */
        public Map<String, String> sharedEnvironment() {
            return shared;
        }

        /** Starts one instance and waits until it answers {@code /api/health}. */
        public GraceProcess start(String name) {
            return start(name, Map.of());
        }

        /** Starts one instance with these settings on top of the shared ones (which they may replace). */
        public GraceProcess start(String name, Map<String, String> environment) {
            Map<String, String> env = new HashMap<>(shared);
            env.putAll(environment);
            GraceProcess instance = GraceProcess.start(name, env);
            started.add(instance);
            return instance;
        }

        /**
         * Starts {@code count} instances named {@code prefix-1} ... with the same settings and
         * {@code GRACE_INSTANCES} set to {@code count} (which sizes each pool), unless the settings say otherwise.
         */
        public List<GraceProcess> start(String prefix, int count, Map<String, String> environment) {
            Map<String, String> env = new HashMap<>();
            env.put("GRACE_INSTANCES", Integer.toString(count));
            env.putAll(environment);
            List<GraceProcess> instances = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                instances.add(start(prefix + "-" + i, env));
            }
            return instances;
        }

        /** Every instance this fleet started that is still running. */
        public List<GraceProcess> running() {
            synchronized (started) {
                return started.stream().filter(GraceProcess::isAlive).toList();
            }
        }

        /** The HTTP ports of the running instances, e.g. for an nginx in front of them. */
        public List<Integer> ports() {
            return running().stream().map(GraceProcess::port).toList();
        }

        @Override
        public void close() {
            List<GraceProcess> all;
            synchronized (started) {
                all = new ArrayList<>(started);
                started.clear();
            }
            // SIGTERM to all first, then wait: each instance's shutdown overlaps the others'.
            all.parallelStream().forEach(GraceProcess::close);
        }
    }
}
