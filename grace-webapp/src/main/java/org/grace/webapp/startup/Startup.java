package org.grace.webapp.startup;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.grace.webapp.auth.DenialListInMemory;
import org.grace.webapp.auth.DenialListInRedis;
import org.grace.webapp.auth.SigningKeys;
import org.grace.webapp.database.Database;
import org.grace.webapp.database.RetryInBackground;
import org.grace.webapp.database.SchemaMigrations;
import org.grace.webapp.library.GraceLibrary;
import org.grace.webapp.livestream.LiveStreams;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.redis.RedisGuard;
import org.grace.webapp.settings.GraceSettings;
import org.grace.webapp.users.Profiles;
import org.grace.webapp.warmup.WarmUp;

/**
 * What an instance does when it starts, in order: check every setting (a bad one stops the deployment with one line
 * naming it), bring the schema up to date, connect to Redis, load the signing keys (a bad key stops the deployment
 * with one line), build the library features, register the metrics, warm the Redis calls up, start the live
 * stream's dispatcher and timer, start the warm-up that readiness waits for, and start the job system, retrying in the background while PostgreSQL is not there.
 *
 * <p>This is the composition root: it may use every package, and no package uses it.
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
    @Inject
    SigningKeys keys;
    @Inject
    GraceLibrary library;
    @Inject
    GraceMetrics metrics;
    @Inject
    Database database;
    @Inject
    RedisGuard guard;
    @Inject
    Profiles profiles;
    @Inject
    DenialListInRedis denialList;
    @Inject
    DenialListInMemory denials;
    @Inject
    LiveStreams liveStreams;
    @Inject
    WarmUp warmUp;

    private RetryInBackground retries;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(settings::validate);
        migrations.start();
        redis.client();

        keys.signingKey();
        library.cache();
        library.closeOnJvmShutdown();
        registerMetrics();
        guard.isDown(); // creates the guard now, so it hears a lost Redis connection before the first request
        if (redis.availability().isPresent()) {
            denialList.warmUp();
            profiles.warmUp();
        }
        denials.start();
        liveStreams.start();
        warmUp.start(); // readiness waits for it
        retries = RetryInBackground.start("grace-jobs-start", 3, this::tryJobs);
    }

    /** Every fixed series at zero from the start, and the gauges read at scrape time. */
    private void registerMetrics() {
        metrics.registerAtZero();
        database.registerGauges(metrics);
        library.registerGauges();
    }

    private boolean tryJobs() {
        try {
            library.jobs();
            return true;
        } catch (RuntimeException e) {
            LOG.warning("grace: job system not started yet (retrying every 3 s): " + e.getMessage());
            return false;
        }
    }

    @PreDestroy
    void stop() {
        if (retries != null) {
            retries.stop();
        }
    }
}
