package org.grace.webapp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.ProjectLayout;

/**
 * A Grace instance for black-box tests: the WAR under test on a real Payara Micro process, started through the
 * same {@link PayaraInstance} the launcher uses, on a free port, output in a log file under {@code target/}.
 */
public final class GraceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final PayaraInstance instance;
    private final Path log;

    private GraceProcess(PayaraInstance instance, Path log) {
        this.instance = instance;
        this.log = log;
    }

    /** Starts an instance with these environment variables and waits until {@code /api/health} answers. */
    public static GraceProcess start(String name, Map<String, String> env) {
        // Generous by default: on two cores shared by several builds a boot took over two minutes.
        return start(name, env, Duration.ofSeconds(Long.getLong("grace.it.bootSeconds", 300)));
    }

    /** The same with a longer wait for the deployment: boots on a loaded shared machine have taken over two minutes. */
    public static GraceProcess start(String name, Map<String, String> env, Duration bootTimeout) {
        return start(name, env, bootTimeout, java.util.List.of());
    }

    /** The same with JVM options after the development profile's (a later {@code -Xmx} wins). */
    public static GraceProcess start(String name, Map<String, String> env, Duration bootTimeout,
                                     java.util.List<String> jvmOptions) {
        // No drain after SIGTERM unless a test asks for one (HealthIT does): the suite stops dozens of instances,
        // and the production default would add its 5 s to each stop.
        Map<String, String> withDrain = new java.util.HashMap<>(env);
        withDrain.putIfAbsent("GRACE_SHUTDOWN_DRAIN", "0s");
        // No warm-up before ready either, unless a test asks for it (HealthIT does): up to 20 s more per boot.
        withDrain.putIfAbsent("GRACE_WARMUP", "0s");
        env = withDrain;
        Path root = ProjectLayout.scratch("payara-" + name + "-");
        Path log = root.resolveSibling(root.getFileName() + ".log");
        PayaraInstance.Builder builder = PayaraInstance.builder();
        jvmOptions.forEach(builder::jvmOption);
        PayaraInstance instance = builder
                .payaraMicroJar(Path.of(System.getProperty("payara.microJar")))
                .war(Path.of(System.getProperty("grace.war")))
                .port(FreePorts.next())
                .rootDir(root)
                .name(name)
                .env(env)
                .logFile(log)
                .start();
        GraceProcess process = new GraceProcess(instance, log);
        try {
            process.awaitDeployed(bootTimeout);
        } catch (RuntimeException e) {
            // A failed start must not leave a Payara Micro behind for the rest of the run (or the machine).
            instance.close();
            throw e;
        }
        return process;
    }

    public String baseUrl() {
        return instance.baseUrl();
    }

    public Path log() {
        return log;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(15)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        return call(request);
    }

    private static HttpResponse<String> call(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Polls {@code /api/health} every 200 ms until its body matches {@code condition}, within {@code timeout} (which
     * is usually the claim under test); fails with the last answer.
     */
    public HttpResponse<String> awaitHealth(Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get("/api/health");
            if (condition.test(json(last))) {
                return last;
            }
            sleep(200);
        }
        throw new AssertionError("condition not met within " + timeout + "; last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    /**
     * Signs {@code email} in as an API client at {@code baseUrl} (an instance, or a load balancer in front of a fleet)
     * and returns the access token for {@code Authorization: Bearer}; fails when the sign-in is not a 200.
     */
    public static String apiAccessToken(String baseUrl, String email, String password) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("email", email, "password", password, "client", "api"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> login = call(HttpRequest.newBuilder(URI.create(baseUrl + "/api/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (login.statusCode() != 200) {
            throw new AssertionError("sign-in of " + email + " at " + baseUrl + " failed: " + login.statusCode() + " "
                    + login.body());
        }
        return json(login).path("accessToken").asText();
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Waits until the WAR is deployed: {@code /api/health} answers 200 or 503 from Grace (not Payara's 404). */
    private void awaitDeployed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + instance.process().exitValue()
                        + "; log: " + log + "\n" + tail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if ((r.statusCode() == 200 || r.statusCode() == 503) && r.body().contains("\"checks\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String tail = tail();
            // The second: a CDI deployment failure, after which Payara Micro stays up with nothing deployed.
            if (tail.contains("Exception while deploying") || tail.contains("Exception during lifecycle processing")) {
                throw new IllegalStateException("deployment failed; log: " + log + "\n" + tail);
            }
            sleep(250);
        }
        throw new IllegalStateException("Grace did not answer /api/health within " + timeout + "; log: " + log);
    }

    public String tail() {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return instance.port();
    }

    /** The Payara Micro process id (the job system's instance id of this instance contains it). */
    public long pid() {
        return instance.process().pid();
    }

    public boolean isAlive() {
        return instance.process().isAlive();
    }

    /** SIGKILL, as a crashed instance or a lost host: no shutdown hooks, nothing handed back. */
    public void kill() {
        instance.kill();
    }

    /**
     * SIGTERM, as systemd or an orchestrator stops an instance, and waits until it has exited (Payara Micro's own
     * shutdown, then SIGKILL after {@link PayaraInstance#STOP_TIMEOUT_SECONDS}). Returns how long it took.
     */
    public Duration terminate() {
        long start = System.nanoTime();
        instance.close();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        instance.close();
    }
}
