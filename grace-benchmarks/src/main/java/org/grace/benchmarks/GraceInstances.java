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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
     * The client the benchmarks drive instances with: HTTP/1.1, as nginx speaks to the instances (the JDK client's
     * default, HTTP/2, upgrades a plain connection to h2c, which Payara Micro's listener accepts and which broke down
     * under the care benchmark's load), a 10 s connect timeout, and daemon threads for its asynchronous sends so
     * that they never keep a finished benchmark alive.
     */
    public static HttpClient http11Client() {
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(threads).build();
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

    /** The machine's 1-minute load average, from /proc/loadavg ("?" where it cannot be read). */
    public static String loadAverage() {
        return loadAverages().split(" ")[0];
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

    /**
     * Starts {@code count} instances of {@code war} one after the other (boots side by side on two cores only take
     * longer), each on a free loopback port with its own folder under {@code target/}, {@code GRACE_INSTANCES} set to
     * {@code count} beside {@code env}, and waits until each is healthy. On a failure the ones started are stopped.
     * The caller stops them ({@link PayaraInstance#close()}, SIGTERM).
     */
    public static List<PayaraInstance> startFleet(HttpClient http, Path war, int count, Map<String, String> env,
                                                  String name, String profile) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("GRACE_INSTANCES", Integer.toString(count));
        List<PayaraInstance> started = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                long t0 = System.nanoTime();
                PayaraInstance instance = start(war, "payara-" + name + count + "-" + i + "-", name + "-" + i,
                        profile, all);
                started.add(instance);
                awaitHealthy(http, instance, Duration.ofMinutes(10));
                System.out.printf("instance %d of %d on port %d up in %.1f s (pid %d)%n", i, count, instance.port(),
                        (System.nanoTime() - t0) / 1e9, instance.process().pid());
            }
            return started;
        } catch (RuntimeException e) {
            started.parallelStream().forEach(PayaraInstance::close);
            throw e;
        }
    }

    /** A fresh RSA key for {@code GRACE_AUTH_SIGNING_KEY} (PKCS#8 PEM): tokens of one run mean nothing to another. */
    public static String newSigningKeyPem() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/pid/stat; USER_HZ is 100 a second), 0 once
     * it is gone. */
    public static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Settings every benchmark fleet shares, with {@code extra} over them: tokens signed under {@code keyId} and valid
     * for the whole run (120 min), PBKDF2 at its floor and 1,000 sign-ins a minute so that the set-up's sign-ins are
     * cheap and never refused, and no shutdown drain so that the instances stop at once at the end.
     */
    public static Map<String, String> settings(String keyId, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "GRACE_AUTH_SIGNING_KEY_ID", keyId,
                "GRACE_AUTH_ACCESS_TTL", "120m",
                "GRACE_AUTH_PBKDF2_ITERATIONS", "10000",
                "GRACE_RATELIMIT_LOGIN_PER_MINUTE", "1000",
                "GRACE_SHUTDOWN_DRAIN", "0s"));
        all.putAll(extra);
        return all;
    }

    /** The whole line of /proc/loadavg (1, 5 and 15-minute load, runnable/total tasks, last pid), "?" unreadable. */
    public static String loadAverages() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
