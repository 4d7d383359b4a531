package org.grace.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;

/** What the benchmarks that boot the real WAR share about the instances they start. */
public final class GraceInstances {
    private GraceInstances() {
    }

    /**
     * Waits until the instance's {@code /api/health} answers 200, polling every half second; fails at once when the
     * process exits, and after {@code within} (boots on two shared cores have taken over 5 minutes).
     */
    public static void awaitHealthy(HttpClient http, PayaraInstance instance, Duration within) {
        awaitOk(http, instance, "/api/health", 500, within);
    }

    /**
     * Waits until {@code path} on the instance answers 200, polling every {@code pollMillis}; fails at once when the
     * process exits, and after {@code within}.
     */
    public static void awaitOk(HttpClient http, PayaraInstance instance, String path, long pollMillis,
                               Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException("instance on port " + instance.port() + " exited with "
                        + instance.process().exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
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
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
        }
        throw new IllegalStateException("instance on port " + instance.port() + ": " + path + " not 200 within "
                + within);
    }

    /** A fresh RSA signing key in PEM (PKCS#8) for {@code GRACE_AUTH_SIGNING_KEY}, shared by the instances of a run. */
    public static String newSigningKeyPem() throws NoSuchAlgorithmException {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** The machine's 1-minute load average, from /proc/loadavg ("?" where it cannot be read). */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Starts {@code war} through the launcher on this checkout's {@code payara-config/target/payara-micro.jar}, on a
     * free port, in a fresh scratch folder whose name starts with {@code folder}, its output in a log file beside it.
     */
    public static PayaraInstance start(Path war, String folder, String name, String profile, Map<String, String> env) {
        Path dir = ProjectLayout.scratch(folder);
        return PayaraInstance.builder()
                .payaraMicroJar(ProjectLayout.root().resolve("payara-config/target/payara-micro.jar"))
                .war(war)
                .port(FreePorts.next())
                .rootDir(dir)
                .name(name)
                .profile(profile)
                .env(env)
                .logFile(dir.resolveSibling(dir.getFileName() + ".log"))
                .start();
    }

    /**
     * {@code settings} plus what instances sharing these servers need: a new database {@code database} in
     * {@code postgres}, {@code redis}, and a new signing key (every instance of the run gets the same).
     */
    public static Map<String, String> environment(Map<String, String> settings, PostgresServer postgres,
                                                  String database, RedisServer redis) throws NoSuchAlgorithmException {
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("GRACE_DB_URL", postgres.createDatabase(database));
        env.put("GRACE_DB_USER", postgres.user());
        env.put("GRACE_REDIS_URL", redis.url());
        env.put("GRACE_AUTH_SIGNING_KEY", newSigningKeyPem());
        return env;
    }
}
