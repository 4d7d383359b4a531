package org.grace.webapp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.grace.testsupport.DebianPackages;

/**
 * Just enough reading of Prometheus text for tests: one series' value, a histogram's cumulative buckets, and a
 * quantile from buckets interpolated linearly inside the bucket, as PromQL's {@code histogram_quantile} does.
 */
final class PrometheusText {
    private PrometheusText() {
    }

    /** The value of the line that starts with {@code series} followed by a space. */
    static Double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + text);
    }

    /** {@code le} to cumulative count of the bucket lines starting with {@code prefix} (which ends in {@code le="}). */
    static Map<Double, Long> buckets(String text, String prefix) {
        Map<Double, Long> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                String rest = line.substring(prefix.length());
                String le = rest.substring(0, rest.indexOf('"'));
                long count = (long) Double.parseDouble(rest.substring(rest.lastIndexOf(' ') + 1));
                buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), count);
            }
        }
        if (buckets.isEmpty()) {
            throw new AssertionError("no buckets " + prefix + " in\n" + text);
        }
        return buckets;
    }

    /** The q-quantile of cumulative buckets, interpolated within its bucket (the last finite bound if in +Inf). */
    static double quantile(double q, Map<Double, Long> cumulative) {
        long total = cumulative.get(Double.POSITIVE_INFINITY);
        double rank = q * total;
        double lowerBound = 0;
        long lowerCount = 0;
        for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                long inBucket = bucket.getValue() - lowerCount;
                return inBucket == 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }

    /** The metric names monitoring/alerts.yml reads (without {@code _bucket} or {@code _count}). */
    static java.util.Set<String> seriesOfAlerts() {
        try {
            String rules = java.nio.file.Files.readString(org.grace.testsupport.ProjectLayout.root()
                    .resolve("monitoring/alerts.yml"));
            java.util.Set<String> names = new java.util.TreeSet<>();
            var m = java.util.regex.Pattern.compile("\\b((?:grace|process)_[a-z_]+)\\{").matcher(rules);
            while (m.find()) {
                names.add(m.group(1).replaceAll("_(bucket|count)$", ""));
            }
            return names;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code promtool check metrics} (Debian's prometheus package) must accept the exposition. */
    static void checkWithPromtool(String text) {
        String promtool = DebianPackages.ensure("promtool", "prometheus");
        try {
            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("promtool check metrics refused /prometheus: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("promtool failed to run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
