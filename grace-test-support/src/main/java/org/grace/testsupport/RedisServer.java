package org.grace.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway {@code redis-server} from the Debian package, on a free loopback port, persisting nothing.
 * It can be stopped, killed and started again on the same port, which is what fallback tests need.
 * Only the process this object started is ever stopped.
 */
public final class RedisServer extends LoopbackServer {
    private final String executable;
    private final List<String> extraArgs;
    private Process process;
    private boolean paused;

    private RedisServer(int port, List<String> extraArgs) {
        super(port, "redis-");
        this.executable = DebianPackages.ensure("redis-server", "redis-server");
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a Redis on a free port. */
    public static RedisServer start() {
        return start(FreePorts.next(), List.of());
    }

    /** Starts a Redis on {@code port} with extra {@code redis-server} arguments (e.g. {@code --replicaof}). */
    public static RedisServer start(int port, List<String> extraArgs) {
        RedisServer server = new RedisServer(port, extraArgs);
        server.startProcess();
        return server;
    }

    /** {@code redis://127.0.0.1:port}, the form Grace's settings take. */
    public String url() {
        return loopbackUrl("redis");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
    public synchronized void restart() {
        if (isRunning()) {
            return;
        }
        startProcess();
    }

    /** Stops the server the polite way (SIGTERM) and waits for it. */
    public synchronized void stop() {
        if (process != null) {
            if (paused && process.isAlive()) {
                resume(); // a stopped process would not act on SIGTERM until continued
            }
            process.destroy();
            waitForExit();
        }
    }

    /**
     * Freezes the server (SIGSTOP), as a stalled host or a lost network would look to clients: connections stay open
     * and nothing answers. {@link #resume()} lets it go on.
     */
    public synchronized void pause() {
        signal("-STOP");
        paused = true;
    }

    /** Lets a {@link #pause() paused} server go on (SIGCONT). */
    public synchronized void resume() {
        signal("-CONT");
        paused = false;
    }

    /** Resumes a paused server and starts a stopped one: what {@link RedisExtension} does after each test. */
    synchronized void bringBack() {
        if (isRunning() && paused) {
            resume();
        }
        restart();
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        try {
            int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    /** Kills the server (SIGKILL), as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            Processes.kill(process);
            paused = false;
        }
    }

    /** Sends one command in RESP and returns the raw first reply line, e.g. {@code +PONG}. */
    public String command(String... words) {
        try {
            return Resp.exchange(port(), Resp::line, words);
        } catch (IOException e) {
            return "-IO " + e.getMessage();
        }
    }

    /** The text of {@code INFO section} (e.g. {@code commandstats}), or empty if the server does not answer. */
    public String info(String section) {
        return Resp.callQuietly(port(), "INFO", section) instanceof String text && !text.startsWith("-") ? text : "";
    }

    /** How many times Redis has executed {@code command} since it started, from {@code INFO commandstats}. */
    public long calls(String command) {
        for (String line : info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command.toLowerCase() + ":calls=")) {
                String rest = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(rest.substring(0, rest.indexOf(',')));
            }
        }
        return 0;
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() {
        paused = false;
        List<String> cmd = new ArrayList<>(List.of(executable, "--port", Integer.toString(port()),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", dir().toString(), "--logfile", dir().resolve("redis.log").toString()));
        cmd.addAll(extraArgs);
        try {
            process = Processes.stoppedAtExit(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir().resolve("stdout.log").toFile()).start());
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
        if (!answersWithin(Duration.ofSeconds(15), 20, () -> "+PONG".equals(command("PING")), process::isAlive,
                () -> "redis-server exited at start on port " + port() + "; see " + dir())) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not answer PING on port " + port() + " within 15 s");
        }
    }

    private void waitForExit() {
        Processes.awaitOrKill(process, Duration.ofSeconds(10));
    }
}
