package org.grace.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A separate JVM process running a main class on the test class path (how a test makes a claim about several
 * instances with several processes), or a self-contained jar (a server that must not meet the test class path).
 * Output goes to a log file under {@code target/}; {@link #kill()} is a {@code kill -9}. Stopped (SIGTERM, then
 * SIGKILL) if the JVM that started it exits while it still runs.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String name;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Builder builder(Class<?> mainClass) {
        // Surefire and Failsafe start tests through a manifest-only jar; the real class path is in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String name = mainClass.getName();
        return new Builder(name.substring(name.lastIndexOf('.') + 1), List.of("-cp", classPath, name));
    }

    /** A JVM running {@code java -jar jar}, named after the jar's file. */
    public static Builder jar(Path jar) {
        return new Builder(jar.getFileName().toString().replaceFirst("\\.jar$", ""),
                List.of("-jar", jar.toString()));
    }

    public static final class Builder {
        /** What follows the JVM's options: {@code -cp <path> <main class>} or {@code -jar <jar>}. */
        private final List<String> launch;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String name;
        private Path log;

        private Builder(String name, List<String> launch) {
            this.name = name;
            this.launch = launch;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /** Replaces the default JVM flags (small heap, C1 only) with these. */
        public Builder jvmArgs(String... values) {
            jvmArgs.clear();
            jvmArgs.addAll(List.of(values));
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Where the output goes; by default {@code output.log} in a new folder under {@code target/}. */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        public ChildJvm start() {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(launch);
            cmd.addAll(args);
            Path log = this.log != null ? this.log : ProjectLayout.scratch("jvm-" + name + "-").resolve("output.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(environment);
            try {
                return new ChildJvm(name, Processes.stoppedAtExit(pb.start()), log);
            } catch (IOException e) {
                throw new IllegalStateException("could not start child JVM " + name + ": " + e.getMessage(), e);
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the output has a line matching {@code regex}; fails with the output when the process dies. */
    public String awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : output().split("\n")) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before printing /" + regex + "/:\n" + tail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not print /" + regex + "/ within " + timeout + ":\n" + tail());
    }

    /** Waits for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout + ":\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** {@code kill -9}: no shutdown hooks, no cleanup, as a crashed instance. */
    public void kill() {
        Processes.kill(process);
    }

    /**
     * SIGTERM, then after 15 s SIGKILL to the process and to every process it started. A child JVM that starts
     * processes of its own (the launcher starts Payara Micro and PostgreSQL) would otherwise leave them running,
     * holding their ports, when it is killed in the middle of stopping them: {@code kill -9} does not reach children.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!Processes.endsWithin(process, Duration.ofSeconds(15))) {
                killTree();
            }
        }
    }

    private void killTree() {
        // Listed before the kill: once the parent is gone its children are reparented and no longer descendants.
        List<ProcessHandle> descendants = process.descendants().toList();
        System.err.printf("ChildJvm %s: still running 15 s after SIGTERM; SIGKILL to it and %d process(es) it started%n",
                name, descendants.size());
        kill();
        for (ProcessHandle p : descendants) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : descendants) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by whatever then finds the port or the folder in use
            }
        }
    }

    private String tail() {
        String out = output();
        return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
    }
}
