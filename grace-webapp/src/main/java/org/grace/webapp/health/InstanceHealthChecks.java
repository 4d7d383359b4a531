package org.grace.webapp.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.grace.webapp.database.Database;
import org.grace.webapp.database.SchemaMigrations;
import org.grace.webapp.warmup.WarmUp;

/**
 * MicroProfile Health for orchestrators: {@code /health/live} says the process can serve (restart it if not);
 * {@code /health/ready} says it should get traffic: the database answers, the schema is migrated, and the instance
 * is not stopping (it goes 503 the moment SIGTERM arrives, see {@link ShutdownSignal}); and its hot paths are warm
 * ({@link WarmUp}).
 */
@ApplicationScoped
public class InstanceHealthChecks {
    @Inject
    Database database;
    @Inject
    SchemaMigrations migrations;
    @Inject
    ShutdownSignal shutdown;
    @Inject
    WarmUp warmUp;

    @Produces
    @Liveness
    HealthCheck process() {
        return () -> {
            Runtime rt = Runtime.getRuntime();
            long usedMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
            return HealthCheckResponse.named("process").up()
                    .withData("heapUsedMb", usedMb)
                    .withData("heapMaxMb", rt.maxMemory() / (1024 * 1024))
                    .build();
        };
    }

    @Produces
    @Readiness
    HealthCheck warmedUp() {
        // Stopping: answered without touching the warm-up's bean, as the database check below does.
        return () -> shutdown.stopping() ? HealthCheckResponse.named("warmUp").up().build()
                : HealthCheckResponse.named("warmUp").status(warmUp.done())
                        .withData("outcome", String.valueOf(warmUp.status().get("outcome"))).build();
    }

    @Produces
    @Readiness
    HealthCheck databaseReady() {
        return () -> {
            // Stopping first, touching nothing else: during the shutdown the application's beans are being destroyed,
            // and a check that throws is Payara's 500, which an orchestrator reads as a broken instance, not a
            // draining one.
            if (shutdown.stopping()) {
                return HealthCheckResponse.named("database").down().withData("stopping", true).build();
            }
            try {
                boolean reachable = database.ping().isPresent();
                var builder = HealthCheckResponse.named("database")
                        .status(reachable && migrations.isMigrated() && !shutdown.stopping())
                        .withData("reachable", reachable)
                        .withData("stopping", shutdown.stopping())
                        .withData("schemaMigrated", migrations.isMigrated());
                if (migrations.lastError() != null) {
                    builder.withData("migrationError", migrations.lastError());
                }
                return builder.build();
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("database").down().withData("error", String.valueOf(e)).build();
            }
        };
    }
}
