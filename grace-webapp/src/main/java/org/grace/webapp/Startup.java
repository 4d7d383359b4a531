package org.grace.webapp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.grace.webapp.config.GraceSettings;
import org.grace.webapp.config.InvalidSettingException;
import org.grace.webapp.database.SchemaMigrations;
import org.grace.webapp.redis.RedisConnection;

/**
 * What an instance does when it starts: check every setting (a bad one stops the deployment with one line naming
 * it), bring the schema up to date, connect to Redis.
 */
@ApplicationScoped
public class Startup {
    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    GraceSettings settings;
    @Inject
    SchemaMigrations migrations;
    @Inject
    RedisConnection redis;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            settings.validate();
        } catch (InvalidSettingException e) {
            LOG.severe("grace: configuration error: " + e.getMessage());
            throw e;
        }
        migrations.start();
        redis.client();
    }
}
