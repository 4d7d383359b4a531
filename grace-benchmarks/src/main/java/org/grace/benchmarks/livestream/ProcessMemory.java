package org.grace.benchmarks.livestream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The memory of one Grace instance's JVM, read from outside as an operator would: the resident set size and thread
 * count from {@code /proc/<pid>/status}, and the Java heap in use right after a full collection ({@code jcmd <pid>
 * GC.run}, then {@code jstat -gc <pid>}: survivor, eden and old generation in use, which after a full collection is the
 * live data).
 */
record ProcessMemory(long rssKb, long heapUsedKb, long threads) {

    static ProcessMemory afterFullGc(long pid) {
        run(List.of("jcmd", Long.toString(pid), "GC.run"));
        return new ProcessMemory(status(pid, "VmRSS:"), heapUsedKb(pid), status(pid, "Threads:"));
    }

    /**
     * {@code jcmd <pid> GC.class_histogram} (which collects first): live bytes by class name. Where the memory of the
     * streams goes, as the difference of two of these.
     */
    static java.util.Map<String, Long> liveBytesByClass(long pid) {
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : run(List.of("jcmd", Long.toString(pid), "GC.class_histogram")).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    String mb(long kb) {
        return String.format("%.1f", kb / 1024.0);
    }

    /** {@code jstat -gc}: a header line and a value line; used = S0U + S1U + EU + OU (KB). */
    private static long heapUsedKb(long pid) {
        List<String> lines = run(List.of("jstat", "-gc", Long.toString(pid))).lines()
                .filter(l -> !l.isBlank()).toList();
        String[] names = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(1).trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < names.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                used += Double.parseDouble(values[i]);
            }
        }
        return Math.round(used);
    }

    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(command + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
