package org.grace.webapp.incontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.webapp.database.Database;
import org.grace.webapp.database.SchemaMigrations;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR as built, with this class added, inside a real Payara Micro (Arquillian, one deployment for all the
 * in-container checks): the CDI wiring of settings, pool, migrations and Redis client as an operator gets it.
 */
@ExtendWith(ArquillianExtension.class)
class InContainerIT {

    @Deployment
    static WebArchive deployment() {
        String settings = "grace.db.url=" + TestDatabase.jdbcUrl() + "\n"
                + "grace.db.user=postgres\n"
                + "grace.instances=2\n";
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("grace.war")))
                .addClass(InContainerIT.class)
                .addAsResource(new StringAsset(settings), "META-INF/microprofile-config.properties");
    }

    @Inject
    GraceSettings settings;
    @Inject
    DataSource dataSource;
    @Inject
    Database database;
    @Inject
    SchemaMigrations migrations;
    @Inject
    RedisConnection redis;
    @Inject
    InstanceId instanceId;

    @Test
    void poolIsSizedAndTimedAsTheScalingGuideSays() throws Exception {
        Database.PoolSettings pool = database.poolSettings();
        // (instances * 2) + 1 with GRACE_INSTANCES=2
        assertEquals(5, pool.maximumSize());
        assertEquals(Duration.ofSeconds(60), pool.idleTimeout());
        assertEquals(Duration.ofSeconds(30), pool.connectionTimeout());
        assertEquals(5, database.stats().max());
    }

    @Test
    void schemaIsMigratedAtStartUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!migrations.isMigrated() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(migrations.isMigrated(), "migrated; last error: " + migrations.lastError());
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            assertTrue(rs.next());
            assertTrue(rs.getInt(1) >= 1);
        }
    }

    @Test
    void withoutRedisUrlTheClientIsAbsentAndPingReportsNothing() {
        assertTrue(settings.redisUrl().isEmpty());
        assertTrue(redis.client().isEmpty());
        assertTrue(redis.ping(Duration.ofMillis(100)).isEmpty());
        assertFalse(instanceId.value().isBlank());
        assertTrue(database.ping(Duration.ofSeconds(2)).isPresent());
    }
}
