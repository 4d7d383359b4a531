package org.grace.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code flock(1)} on the file named by {@code GRACE_BENCH_LOCK}, held while a child process lives, so that
 * benchmarks sharing a machine measure one at a time; nothing when the variable is unset. Used by the care ingestion
 * and documents benchmarks around their measurements (not their boots).
 */
public final class BenchLock implements AutoCloseable {
    private final Process holder;
    private final double waited;

    private BenchLock(Process holder, double waited) {
        this.holder = holder;
        this.waited = waited;
    }

    /** Waits for the lock (as long as it takes) and holds it until {@link #close()}. */
    public static BenchLock take() throws IOException {
        String file = System.getenv("GRACE_BENCH_LOCK");
        if (file == null || file.isBlank()) {
            return new BenchLock(null, 0);
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("flock", file, "sh", "-c", "echo locked; exec cat")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"locked".equals(line)) {
            p.destroy();
            throw new IOException("flock " + file + " failed");
        }
        return new BenchLock(p, (System.nanoTime() - t0) / 1e9);
    }

    /** Seconds spent waiting for the lock, for the report. */
    public String waitedSeconds() {
        return holder == null ? "0 (no GRACE_BENCH_LOCK)" : String.format("%.0f", waited);
    }

    @Override
    public void close() throws IOException {
        if (holder != null) {
            holder.getOutputStream().close();
            try {
                holder.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
