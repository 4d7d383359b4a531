package org.grace.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.grace.launcher.PayaraInstance;

/** What the benchmarks that boot the real WAR share about the instances they start. */
public final class GraceInstances {
    private GraceInstances() {
    }

    /**
     * Waits until the instance's {@code /api/health} answers 200, polling every half second; fails at once when the
     * process exits, and after {@code within} (boots on two shared cores have taken over 5 minutes).
     */
    public static void awaitHealthy(HttpClient http, PayaraInstance instance, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException("instance on port " + instance.port() + " exited with "
                        + instance.process().exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        throw new IllegalStateException("instance on port " + instance.port() + " not healthy within " + within);
    }
}
