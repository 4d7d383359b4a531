package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.launcher.GraceLauncher;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;
import org.grace.testsupport.WithRedis;
import org.junit.jupiter.api.Test;

/**
 * The run command's default, end to end: the launcher with neither GRACE_DB_URL nor GRACE_REDIS_URL starts an
 * embedded PostgreSQL and Grace answers healthy with Redis unavailable; data written survives a stop and start.
 * The second start also has a Redis, to show that SIGTERM to the launcher (what Ctrl-C and systemd send) closes the
 * library on the way out rather than cutting it off.
 */
@WithRedis
class EmbeddedDefaultIT {
    private static final Pattern DB_LINE = Pattern.compile("embedded PostgreSQL at (jdbc:postgresql://\\S+)");

    @Test
    void startsOnTheEmbeddedDefaultAndKeepsDataAcrossARestart(RedisServer redis) throws Exception {
        Path dataDir = ProjectLayout.scratch("embedded-default-").resolve("postgres");
        int port = FreePorts.next();

        try (ChildJvm first = launch(dataDir, port)) {
            String url = awaitDatabaseUrl(first);
            JsonNode health = awaitHealthy(port, first);
            assertThat(health.path("checks").path("redis").asText()).isEqualTo("unavailable");
            assertThat(first.output()).contains("GRACE_REDIS_URL is not set");
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (note text)");
                s.execute("INSERT INTO kept VALUES ('written before the restart')");
            }
            // SIGTERM (Ctrl-C, systemd) must end the launcher and everything it started by itself, well within the
            // 15 s after which ChildJvm's close() kills. When the embedded PostgreSQL's own shutdown hook stopped the
            // database beside Payara Micro, the application's closing job flush waited the pool's 30 s connection
            // timeout, the launcher was killed, and the orphaned Payara Micro kept this port from the next start.
            List<ProcessHandle> started = ProcessHandle.of(first.pid()).orElseThrow().descendants().toList();
            assertThat(started).as("Payara Micro under the launcher")
                    .anyMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains("payara-micro")).orElse(false));
            long start = System.nanoTime();
            ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroy);
            first.awaitExit(Duration.ofSeconds(14));
            System.out.printf("EmbeddedDefaultIT: first launcher stopped %d ms after SIGTERM%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(started).as("processes the launcher started, after it ended").noneMatch(ProcessHandle::isAlive);
        }

        try (ChildJvm second = launch(dataDir, port, redis.url())) {
            String url = awaitDatabaseUrl(second);
            JsonNode health = awaitHealthy(port, second);
            assertThat(health.path("checks").path("redis").asText()).isEqualTo("healthy");
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written before the restart");
            }
            // Flyway found its history in the kept data: nothing re-applied.
            assertThat(second.output()).contains("(0 migrations applied now)");

            assertThat(redis.calls("subscribe")).as("the cache subscribed to its invalidations").isPositive();
            long start = System.nanoTime();
            second.close(); // SIGTERM to the launcher, which stops Payara Micro, then the embedded PostgreSQL
            System.out.printf("EmbeddedDefaultIT: stopped %d ms after SIGTERM%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(second.isAlive()).isFalse();
            // The library's close() unsubscribed from Redis before the process ended: it was closed, not cut off.
            assertThat(redis.calls("unsubscribe")).isPositive();
            // And said so: Payara Micro's logging is gone by then, the line reaches the launcher's output regardless.
            assertThat(second.output()).contains("grace: library closed (jobs, events, cache)");
        }
    }

    private static ChildJvm launch(Path dataDir, int port) {
        return launch(dataDir, port, null);
    }

    private static ChildJvm launch(Path dataDir, int port, String redisUrl) {
        // A short drain after SIGTERM (the default is 5 s): the stops below are measured, the drain is HealthIT's.
        ChildJvm.Builder launcher = ChildJvm.builder(GraceLauncher.class).env("GRACE_SHUTDOWN_DRAIN", "1s");
        if (redisUrl != null) {
            launcher.env("GRACE_REDIS_URL", redisUrl);
        }
        return launcher
                .name("launcher")
                .jvmArgs("-Xmx128m")
                .args("--war", System.getProperty("grace.war"),
                        "--payara-micro", System.getProperty("payara.microJar"),
                        "--port", Integer.toString(port),
                        "--root", dataDir.resolveSibling("instance").toString(),
                        "--data-dir", dataDir.toString())
                .start();
    }

    private static String awaitDatabaseUrl(ChildJvm launcher) {
        Matcher m = DB_LINE.matcher(launcher.awaitLine("embedded PostgreSQL at ", Duration.ofSeconds(60)));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static JsonNode awaitHealthy(int port, ChildJvm launcher) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            assertThat(launcher.isAlive()).as("launcher alive; output:\n%s", launcher.output()).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200) {
                    return new ObjectMapper().readTree(r.body());
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not healthy within 60 s: " + last);
    }
}
