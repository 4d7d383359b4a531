package org.grace.benchmarks.documents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a measurement: every process's utime + stime from {@code /proc} at the start
 * and at the end, summed by name (the instances by their pids, s3proxy by its command line, the rest by their command
 * name: postgres, nginx, wrk...), as % of one core; and the whole machine's busy share from {@code /proc/stat}. A
 * process that started or ended in between counts only its part seen at the end.
 */
final class CpuShares {
    private static final double TICKS = 100; // USER_HZ on Linux

    private final Map<Long, String> labels;
    private final Map<Long, Long> start;
    private final long[] machineStart;
    private final long t0 = System.nanoTime();

    /** {@code labels}: names for some pids (the instances); the rest are named by their command. */
    CpuShares(Map<Long, String> labels) {
        this.labels = labels;
        this.start = ticksByPid();
        this.machineStart = machine();
    }

    /** "machine 97 % busy (of 2 cores); postgres 61, instance 1 24, ..." in % of one core, largest first. */
    String end(int top) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<Long, Long> now = ticksByPid();
        Map<String, Long> byName = new HashMap<>();
        for (Map.Entry<Long, Long> e : now.entrySet()) {
            long used = e.getValue() - start.getOrDefault(e.getKey(), 0L);
            if (used > 0) {
                byName.merge(name(e.getKey()), used, Long::sum);
            }
        }
        long[] machineEnd = machine();
        double busy = machineEnd[0] - machineStart[0];
        double total = busy + machineEnd[1] - machineStart[1];
        String shares = byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top).map(e -> String.format("%s %.0f", e.getKey(), e.getValue() / TICKS / seconds * 100))
                .collect(Collectors.joining(", "));
        return String.format("machine %.0f %% busy (of %d cores); %% of one core: %s", total == 0 ? 0 : 100 * busy / total,
                Runtime.getRuntime().availableProcessors(), shares);
    }

    private String name(long pid) {
        String label = labels.get(pid);
        if (label != null) {
            return label;
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (cmdline.contains("s3proxy")) {
                return "s3proxy";
            }
            if (cmdline.contains("org.grace.benchmarks")) {
                return "this benchmark";
            }
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
            return comm.equals("java") ? "other java" : comm;
        } catch (IOException e) {
            return "gone";
        }
    }

    private static Map<Long, Long> ticksByPid() {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(Long.parseLong(p.getFileName().toString()), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** {busy, idle} jiffies of the whole machine (first line of /proc/stat; idle includes iowait). */
    private static long[] machine() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long busy = 0;
            long idle = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                if (i == 4 || i == 5) {
                    idle += v;
                } else {
                    busy += v;
                }
            }
            return new long[] {busy, idle};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }
}
