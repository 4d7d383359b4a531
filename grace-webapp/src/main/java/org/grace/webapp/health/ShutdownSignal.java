package org.grace.webapp.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this instance has begun to stop. A JVM shutdown hook, registered as the application starts, is the first
 * thing that hears SIGTERM; from then on {@code /health/ready} and {@code /api/health} answer 503
 * ({@code "status":"draining"}), so an orchestrator or a health-checking load balancer sends no new work while
 * requests in flight finish. Payara Micro keeps the application serving for {@code GRACE_SHUTDOWN_DRAIN} (the launcher
 * passes it as {@code --shutdowngrace}) before it stops it; without that it stopped the application at once and the
 * probes got the container's own 500.
 */
@ApplicationScoped
public class ShutdownSignal {
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean hooked = new AtomicBoolean();

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (hooked.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping.set(true), "grace-shutdown-signal"));
        }
    }

    /** True once the JVM has begun to shut down. */
    public boolean stopping() {
        return stopping.get();
    }
}
