package org.grace.benchmarks.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grace.benchmarks.ResultsTable;
import org.grace.benchmarks.ratelimit.RateLimitBenchmark.Result;

/**
 * What {@link RateLimitBenchmark} prints at the end of a run: the Markdown tables (every contender, then Grace's goal
 * ratios), and the same figures as {@link ResultsTable} lines, which {@code grace-benchmarks/library/run.sh} turns
 * into medians over runs.
 */
final class RateLimitReport {
    static final String GRACE = RateLimitBenchmark.GRACE;
    static final String GRACE_EVERY_CALL = RateLimitBenchmark.GRACE_EVERY_CALL;

    private RateLimitReport() {
    }

    static void print(List<Result> results) {
        System.out.println();
        System.out.println("| Workload | Callers | Contender | Decisions/s | Admitted | p50 (us) | p99 (us) "
                + "| Redis CPU per call (us) | Errors |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            String errors = r.errors()
                    + (r.contender().startsWith("Grace") ? " (fallbacks " + r.fallbacks() + ")" : "");
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %.1f%% | %.0f | %.0f | %.1f | %s |%n",
                    r.workload(), r.threads(), r.contender(), r.perSecond(), r.allowedShare() * 100, r.p50() / 1000.0,
                    r.p99() / 1000.0, r.redisCpuPerCall(), errors);
        }
        System.out.println();
        ResultsTable.columns(CONTENDERS_TABLE, "Workload | Callers | Contender");
        for (Result r : results) {
            String row = r.workload() + " | " + r.threads() + " | " + r.contender();
            ResultsTable.cell(CONTENDERS_TABLE, row, "Decisions/s", r.perSecond(), 0);
            ResultsTable.cell(CONTENDERS_TABLE, row, "Admitted (%)", r.allowedShare() * 100, 1);
            ResultsTable.cell(CONTENDERS_TABLE, row, "p50 (us)", r.p50() / 1000.0, 0);
            ResultsTable.cell(CONTENDERS_TABLE, row, "p99 (us)", r.p99() / 1000.0, 0);
            ResultsTable.cell(CONTENDERS_TABLE, row, "Redis CPU per call (us)", r.redisCpuPerCall(), 1);
            ResultsTable.cell(CONTENDERS_TABLE, row, "Errors", r.errors(), 0);
            if (r.contender().startsWith("Grace")) {
                ResultsTable.cell(CONTENDERS_TABLE, row, "Grace fallbacks", r.fallbacks(), 0);
            }
        }
        System.out.println();
        System.out.println("| Workload | Callers | Grace | Grace / Redisson throughput (goal >= 1.2) "
                + "| Grace / Bucket4j throughput (goal >= 1.5) | Grace p99 / PING p99 (goal <= 1.5) |");
        System.out.println("|---|---:|---|---:|---:|---:|");
        Map<String, Map<String, Result>> cells = new LinkedHashMap<>();
        for (Result r : results) {
            cells.computeIfAbsent(r.workload() + " | " + r.threads(), k -> new LinkedHashMap<>()).put(r.contender(), r);
        }
        List<GoalRow> goals = new ArrayList<>();
        cells.forEach((cell, byContender) -> {
            for (String variant : List.of(GRACE, GRACE_EVERY_CALL)) {
                if (byContender.containsKey(variant)) {
                    goals.add(new GoalRow(cell + " | " + variant, byContender.get(variant),
                            byContender.get("Redisson RRateLimiter"), byContender.get("Bucket4j (Redisson CAS)"),
                            byContender.get("Redis PING (floor)")));
                }
            }
        });
        for (GoalRow g : goals) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", g.row(),
                    ratio(g.grace(), g.redisson(), false, 1.2), ratio(g.grace(), g.bucket4j(), false, 1.5),
                    ratio(g.grace(), g.ping(), true, 1.5));
        }
        System.out.println();
        ResultsTable.columns(GOALS_TABLE, "Workload | Callers | Grace");
        for (GoalRow g : goals) {
            goalCell(g.row(), "Grace / Redisson throughput (goal >= 1.2)", g.grace(), g.redisson(), false);
            goalCell(g.row(), "Grace / Bucket4j throughput (goal >= 1.5)", g.grace(), g.bucket4j(), false);
            goalCell(g.row(), "Grace p99 / PING p99 (goal <= 1.5)", g.grace(), g.ping(), true);
        }
    }

    /** One row of the goals table: a Grace variant in one workload and caller count, and what it is set against. */
    private record GoalRow(String row, Result grace, Result redisson, Result bucket4j, Result ping) {
    }

    private static final String CONTENDERS_TABLE = "Every contender";
    private static final String GOALS_TABLE = "Goals: Grace against its peers and the PING floor";

    private static void goalCell(String row, String column, Result grace, Result other, boolean p99) {
        if (other != null) {
            ResultsTable.cell(GOALS_TABLE, row, column,
                    p99 ? (double) grace.p99() / other.p99() : grace.perSecond() / other.perSecond(), 2);
        }
    }

    /** Grace's throughput over {@code other}'s (goal: at least {@code goal}), or its p99 over theirs (at most). */
    private static String ratio(Result grace, Result other, boolean p99, double goal) {
        if (other == null) {
            return "-";
        }
        double value = p99 ? (double) grace.p99() / other.p99() : grace.perSecond() / other.perSecond();
        boolean met = p99 ? value <= goal : value >= goal;
        return String.format(Locale.ROOT, "%.2f %s", value, met ? "yes" : "**no**");
    }
}
