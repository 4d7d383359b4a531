package org.grace.webapp.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.grace.core.InstanceId;
import org.grace.webapp.database.Database;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;
import org.grace.webapp.warmup.WarmUp;

/**
 * {@code GET /api/health}, the load balancer's probe, in the scaling guide's shape. The database decides: 200 when it
 * answers, 503 when it does not. Redis never makes the instance unhealthy (every Redis feature has a fallback); it
 * is reported as {@code healthy}, {@code degraded} (slow) or {@code unavailable}. A new instance answers 503
 * {@code "warming"} until its warm-up is done ({@link WarmUp}), so that a deploy or an orchestrator waits for it.
 *
 * <p>The database answer is the instance's shared check ({@link Database#ping()}): any number of concurrent probes
 * wait for the one check in flight or reuse one younger than a second, so load on the probe itself can never make
 * a healthy database look unhealthy.
 */
@Path("/health")
@ApplicationScoped
public class HealthResource {
    @Inject
    Database database;
    @Inject
    RedisConnection redis;
    @Inject
    GraceSettings settings;
    @Inject
    InstanceId instanceId;
    @Inject
    ShutdownSignal shutdown;
    @Inject
    WarmUp warmUp;
    /** The release this instance runs, as its deploy names it (GRACE_VERSION): deploys check it on every node. */
    @Inject
    @ConfigProperty(name = "grace.version", defaultValue = "unknown")
    String version;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        OptionalDouble db = database.ping();
        OptionalDouble redisLatency = redis.ping(RedisConnection.pingTimeout());
        boolean stopping = shutdown.stopping();
        boolean warm = warmUp.done();
        boolean healthy = db.isPresent() && !stopping && warm;
        String redisStatus = redisLatency.isEmpty() ? "unavailable"
                : redisLatency.getAsDouble() > settings.healthRedisDegraded().toMillis() ? "degraded" : "healthy";

        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", db.isPresent() ? "healthy" : "unhealthy");
        checks.put("redis", redisStatus);
        checks.put("warmUp", warm ? "done" : "running");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", stopping ? "draining" : healthy ? "healthy" : !warm && db.isPresent() ? "warming"
                : "unhealthy");
        body.put("timestamp", Instant.now().toString());
        body.put("checks", checks);
        body.put("databaseLatencyMs", db.isPresent() ? round(db.getAsDouble()) : null);
        body.put("redisLatencyMs", redisLatency.isPresent() ? round(redisLatency.getAsDouble()) : null);
        body.put("instance", instanceId.value());
        body.put("version", version);
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(healthy ? 200 : 503).entity(body).cacheControl(noStore).build();
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
