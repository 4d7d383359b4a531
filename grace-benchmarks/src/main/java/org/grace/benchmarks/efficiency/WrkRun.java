package org.grace.benchmarks.efficiency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.benchmarks.GraceInstances;

/**
 * One wrk run of {@code grace-benchmarks/efficiency/efficiency.lua} and what it printed: requests, requests per
 * second, p50, p99, answers by status, socket errors, and the machine's 1-minute load average before and after; and,
 * once the caller has measured them ({@link #withCost}), the serving processes' CPU time and the Redis script calls
 * per request.
 */
record WrkRun(long requests, double rps, double p50Millis, double p99Millis, Map<Integer, Long> statuses,
              String socketErrors, String loadBefore, String loadAfter, double cpuMicrosPerRequest,
              double redisScriptsPerRequest) {
    private static final Pattern SUMMARY = Pattern.compile(
            "efficiency-wrk: requests=(\\d+) rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+)");
    private static final Pattern SOCKET = Pattern.compile("efficiency-wrk: socket (.*)");
    private static final Pattern STATUSES = Pattern.compile("efficiency-wrk: statuses ?(.*)");

    /** What wrk is pointed at: URL, path, kind of credential, credentials ({@code efficiency.lua}'s arguments). */
    record Target(String baseUrl, String path, String kind, List<String> credentials) {
    }

    static WrkRun run(String wrk, Path script, Target target, int connections, int threads, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wrk, "-t", Integer.toString(threads), "-c",
                Integer.toString(connections), "-d", seconds + "s", "--timeout", "10s", "-s", script.toString(),
                target.baseUrl(), "--", target.kind(), target.path()));
        Path credentials = null;
        if (!target.credentials().isEmpty()) {
            credentials = Files.createTempFile("efficiency-credentials-", ".txt");
            Files.write(credentials, target.credentials());
            command.add(credentials.toString());
        }
        String before = GraceInstances.loadAverage();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(seconds + 60L, TimeUnit.SECONDS);
        if (credentials != null) {
            Files.delete(credentials);
        }
        if (!ended || p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        String after = GraceInstances.loadAverage();
        Matcher m = SUMMARY.matcher(out);
        Matcher socket = SOCKET.matcher(out);
        Matcher codes = STATUSES.matcher(out);
        if (!m.find() || !socket.find() || !codes.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + out);
        }
        Map<Integer, Long> statuses = new LinkedHashMap<>();
        for (String pair : codes.group(1).trim().split(" ")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=");
                statuses.put(Integer.valueOf(kv[0]), Long.valueOf(kv[1]));
            }
        }
        return new WrkRun(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), statuses, socket.group(1).trim(), before, after, Double.NaN,
                Double.NaN);
    }

    /** This run with what it cost: {@code cpuMicros} of CPU and {@code redisScripts} script calls over all requests. */
    WrkRun withCost(double cpuMicros, long redisScripts) {
        return new WrkRun(requests, rps, p50Millis, p99Millis, statuses, socketErrors, loadBefore, loadAfter,
                requests == 0 ? Double.NaN : cpuMicros / requests,
                requests == 0 ? Double.NaN : redisScripts / (double) requests);
    }

    /** Share of the answers with {@code status}, 0 to 1. */
    double share(int status) {
        long all = statuses.values().stream().mapToLong(Long::longValue).sum();
        return all == 0 ? 0 : statuses.getOrDefault(status, 0L) / (double) all;
    }

    /** Socket errors, "0" when wrk saw none. */
    String socketErrorsShort() {
        return socketErrors.matches("connect=0 read=0 write=0 timeout=0") ? "0" : socketErrors;
    }
}
