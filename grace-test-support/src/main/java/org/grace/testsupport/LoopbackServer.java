package org.grace.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the throwaway servers here share: a loopback port, chosen when the object is made and kept when the server is
 * stopped and started again, a scratch folder of its own under {@code target/} (configuration, data, logs), and the
 * wait for a process just started to answer on its port. Public for its getters; only this package's servers extend
 * it.
 */
public abstract class LoopbackServer implements AutoCloseable {
    private final int port;
    private final Path dir;

    /** A server on {@code port}, its folder a new one under {@code target/} whose name starts with {@code prefix}. */
    LoopbackServer(int port, String prefix) {
        this.port = port;
        this.dir = ProjectLayout.scratch(prefix);
    }

    public final int port() {
        return port;
    }

    /** The server's own folder: its configuration, data and logs. */
    public final Path dir() {
        return dir;
    }

    /** {@code scheme://127.0.0.1:port}. */
    final String loopbackUrl(String scheme) {
        return scheme + "://127.0.0.1:" + port;
    }

    /**
     * Whether {@code answers} became true within {@code timeout}, asked every {@code everyMillis}. When the process
     * ends first ({@code alive} false) it fails at once, with the message {@code exited} gives.
     */
    static boolean answersWithin(Duration timeout, long everyMillis, BooleanSupplier answers, BooleanSupplier alive,
                                 Supplier<String> exited) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers.getAsBoolean()) {
                return true;
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(exited.get());
            }
            Polling.sleep(everyMillis);
        }
        return false;
    }
}
