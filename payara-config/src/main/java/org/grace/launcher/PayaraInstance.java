package org.grace.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.grace.settings.Settings;

/**
 * One Payara Micro process running the Grace WAR, configured from the command files and JVM profiles packaged in
 * this module. The run command, the multi-instance tests and the Ansible roles all start instances through this
 * class, so an instance is configured the same way everywhere.
 *
 * <p>Always {@code --nohazelcast}: instances share nothing but PostgreSQL and Redis (no Hazelcast member, no
 * multicast discovery, no data grid).
 */
public final class PayaraInstance implements AutoCloseable {
    /** Time Payara Micro gets to finish in-flight requests and undeploy on SIGTERM before it is killed. */
    public static final long STOP_TIMEOUT_SECONDS = 30;

    private final Process process;
    private final int port;
    private final Path rootDir;
    /**
     * Stops the instance as {@link #close} does if this JVM exits while it runs (the launcher's Ctrl-C, a test or
     * benchmark killed): a Payara Micro left behind holds its port and gigabytes of heap.
     */
    private final Thread stopAtExit;

    private PayaraInstance(Process process, int port, Path rootDir) {
        this.process = process;
        this.port = port;
        this.rootDir = rootDir;
        this.stopAtExit = new Thread(this::stop, "payara-instance-stop-" + port);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    private void forgetAtExit() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) already and stops the instance
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public Path rootDir() {
        return rootDir;
    }

    public Process process() {
        return process;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGTERM, wait up to {@link #STOP_TIMEOUT_SECONDS}, then SIGKILL. */
    @Override
    public void close() {
        forgetAtExit();
        stop();
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code kill -9}, as a crashed instance. */
    public void kill() {
        forgetAtExit();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private Path payaraMicroJar;
        private Path war;
        private int port = 8080;
        private Path rootDir;
        private String profile = "development";
        private String name;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> extraJvmOptions = new ArrayList<>();
        private Path logFile;
        private String javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        public Builder payaraMicroJar(Path value) {
            this.payaraMicroJar = value;
            return this;
        }

        public Builder war(Path value) {
            this.war = value;
            return this;
        }

        public Builder port(int value) {
            if (value < 1 || value > 65535) {
                throw new IllegalArgumentException("port must be 1-65535, got " + value);
            }
            this.port = value;
            return this;
        }

        /** Where Payara Micro keeps this instance's configuration and logs (not /tmp). */
        public Builder rootDir(Path value) {
            this.rootDir = value;
            return this;
        }

        /** {@code development}, {@code staging} or {@code production}: picks {@code jvm/<profile>.options}. */
        public Builder profile(String value) {
            JvmProfiles.options(value); // fails fast on an unknown profile
            this.profile = value;
            return this;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** Adds environment variables for the instance, e.g. {@code GRACE_DB_URL}. */
        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            environment.putAll(values);
            return this;
        }

        public Builder jvmOption(String option) {
            extraJvmOptions.add(option);
            return this;
        }

        /** Sends the instance's output to a file instead of this process's console. */
        public Builder logFile(Path value) {
            this.logFile = value;
            return this;
        }

        public Builder javaExecutable(String value) {
            this.javaExecutable = value;
            return this;
        }

        /** The full command line, for logs and for service managers. */
        public List<String> command() {
            Objects.requireNonNull(payaraMicroJar, "payaraMicroJar");
            Objects.requireNonNull(war, "war");
            Objects.requireNonNull(rootDir, "rootDir");
            Path config = rootDir.resolve("grace-config");
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable);
            cmd.addAll(JvmProfiles.options(profile));
            cmd.addAll(extraJvmOptions);
            // The application's warm-up sends its requests to its own listener before it reports ready.
            cmd.add("-Dgrace.http.port=" + port);
            cmd.addAll(List.of("-jar", payaraMicroJar.toString(),
                    "--nohazelcast",
                    "--contextroot", "/",
                    "--port", Integer.toString(port),
                    "--rootdir", rootDir.toString(),
                    "--prebootcommandfile", config.resolve("preboot.asadmin").toString(),
                    "--postbootcommandfile", config.resolve("postboot.asadmin").toString(),
                    "--deploy", war.toString()));
            if (name != null) {
                cmd.addAll(List.of("--name", name));
            }
            // On SIGTERM Payara Micro's shutdown hook stops the application at once, while its HTTP listener accepts
            // until the end: probes and requests then got the container's empty 500 (or "servlet unavailable" 503)
            // instead of Grace's draining 503. The grace keeps everything serving, readiness 503, for the drain first.
            long drainMillis = shutdownDrain().toMillis();
            if (drainMillis > 0) {
                cmd.addAll(List.of("--shutdowngrace", Long.toString(drainMillis)));
            }
            return cmd;
        }

        /** {@code GRACE_SHUTDOWN_DRAIN} as the instance will see it: this builder's variables over the process's. */
        public java.time.Duration shutdownDrain() {
            Map<String, String> env = new java.util.HashMap<>(System.getenv());
            env.putAll(environment);
            return new Settings(Settings.Source.environment(env)).shutdownDrain();
        }

        public PayaraInstance start() {
            if (!Files.isRegularFile(payaraMicroJar)) {
                throw new IllegalStateException("Payara Micro jar not found at " + payaraMicroJar
                        + " (build payara-config first: mvn -pl payara-config package)");
            }
            if (!Files.exists(war)) {
                throw new IllegalStateException("Grace WAR not found at " + war
                        + " (build it first: mvn -pl grace-webapp -am package)");
            }
            try {
                // The root folder is the instance's scratch space: Payara Micro would otherwise redeploy the WAR
                // it found there from the last run before the one given now.
                deleteRecursively(rootDir);
                Files.createDirectories(rootDir);
                Path config = rootDir.resolve("grace-config");
                Files.createDirectories(config);
                copyResource("preboot.asadmin", config);
                copyResource("postboot.asadmin", config);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + rootDir, e);
            }
            ProcessBuilder pb = new ProcessBuilder(command());
            pb.environment().putIfAbsent("GRACE_HTTP_THREADS", "64");
            pb.environment().putIfAbsent("GRACE_HTTP_GZIP_MIN_BYTES",
                    Integer.toString(Settings.DEFAULT_HTTP_GZIP_MIN_BYTES));
            pb.environment().putAll(environment);
            if (logFile != null) {
                pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
            } else {
                pb.inheritIO();
            }
            try {
                return new PayaraInstance(pb.start(), port, rootDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Payara Micro", e);
            }
        }

        private static void deleteRecursively(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        private static void copyResource(String name, Path dir) throws IOException {
            try (InputStream in = PayaraInstance.class.getResourceAsStream("/grace/payara/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("grace/payara/" + name + " missing from the launcher jar");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The JVM option profiles shipped in {@code grace/payara/jvm/}. */
    public static final class JvmProfiles {
        public static final List<String> NAMES = List.of("development", "staging", "production");

        private JvmProfiles() {
        }

        public static List<String> options(String profile) {
            if (!NAMES.contains(profile)) {
                throw new IllegalArgumentException("unknown profile '" + profile + "'; expected one of " + NAMES);
            }
            try (InputStream in = PayaraInstance.class.getResourceAsStream("/grace/payara/jvm/" + profile + ".options")) {
                if (in == null) {
                    throw new IllegalStateException("JVM profile " + profile + " missing from the launcher jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .map(String::trim)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
