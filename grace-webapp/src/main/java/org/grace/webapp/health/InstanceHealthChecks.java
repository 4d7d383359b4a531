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
import org.grace.webapp.settings.GraceSettings;

/**
 * MicroProfile Health for orchestrators: {@code /health/live} says the process can serve (restart it if not);
 * {@code /health/ready} says it should get traffic: the database answers and the schema is migrated.
 */
@ApplicationScoped
public class InstanceHealthChecks {
    @Inject
    Database database;
    @Inject
    SchemaMigrations migrations;
    @Inject
    GraceSettings settings;

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
    HealthCheck databaseReady() {
        return () -> {
            boolean reachable = database.ping(settings.healthDbTimeout()).isPresent();
            var builder = HealthCheckResponse.named("database")
                    .status(reachable && migrations.isMigrated())
                    .withData("reachable", reachable)
                    .withData("schemaMigrated", migrations.isMigrated());
            if (migrations.lastError() != null) {
                builder.withData("migrationError", migrations.lastError());
            }
            return builder.build();
        };
    }
}
