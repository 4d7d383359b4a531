package org.grace.webapp.library;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.grace.webapp.auth.SigningKeys;
import org.grace.webapp.metrics.PlatformGauges;

/**
 * After {@link org.grace.webapp.Startup} (settings valid, schema migrating): loads the signing keys (a bad key
 * stops the deployment with one line), builds the library features, registers the gauges, and starts the job
 * system, retrying in the background while PostgreSQL is not there.
 */
@ApplicationScoped
public class LibraryStartup {
    private static final Logger LOG = Logger.getLogger(LibraryStartup.class.getName());

    @Inject
    SigningKeys keys;
    @Inject
    GraceLibrary library;
    @Inject
    PlatformGauges gauges;
    @Inject
    org.grace.webapp.redis.RedisGuard guard;

    private ScheduledExecutorService retries;

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600)
                 @Initialized(ApplicationScoped.class) Object ignored) {
        keys.signingKey();
        library.cache();
        library.closeOnJvmShutdown();
        gauges.register();
        guard.isDown(); // creates the guard now, so it hears a lost Redis connection before the first request
        if (library.availability().isPresent()) {
            guard.warmUp(library.cache());
        }
        if (!tryJobs()) {
            retries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "grace-jobs-start");
                t.setDaemon(true);
                return t;
            });
            retries.scheduleWithFixedDelay(() -> {
                if (tryJobs()) {
                    retries.shutdown();
                }
            }, 3, 3, TimeUnit.SECONDS);
        }
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

    @jakarta.annotation.PreDestroy
    void stop() {
        if (retries != null) {
            retries.shutdownNow();
        }
    }
}
