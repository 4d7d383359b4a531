package org.grace.webapp.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations in seconds with fixed buckets, one series per label set, written in the text
 * exposition format ({@code _bucket{le=...}}, {@code _sum}, {@code _count}). Unlike a summary's precomputed
 * quantiles, buckets of several instances add up, so a fleet's p95 is
 * {@code histogram_quantile(0.95, sum by (le) (rate(..._bucket[5m])))}. Every instance uses the same
 * {@link #BUCKETS}, or the sums would be meaningless.
 */
public final class LatencyHistogram {
    /**
     * Upper bounds in seconds: fine below 10 ms for Redis and database calls (the guide's Redis alert is at 10 ms),
     * and several around the guide's 500 ms request target so that a p95 near it is interpolated within 250 ms.
     */
    public static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.5,
        0.75, 1, 2.5, 5, 10};

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    public LatencyHistogram(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = List.of(labelNames);
    }

    public String name() {
        return name;
    }

    /** Records one duration; {@code labelValues} in the order of the label names. */
    public void observe(long nanos, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labelNames);
        }
        series.computeIfAbsent(List.of(labelValues), k -> new Series()).observe(Math.max(0, nanos) / 1e9);
    }

    /** Appends the family in Prometheus text format (cumulative buckets, as the format requires). */
    public void writeTo(StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        Map<String, Series> sorted = new TreeMap<>();
        series.forEach((values, s) -> sorted.put(labels(values), s));
        sorted.forEach((labels, s) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cumulative += s.buckets[i].sum();
                String le = i < BUCKETS.length ? format(BUCKETS[i]) : "+Inf";
                out.append(name).append("_bucket{").append(labels).append(labels.isEmpty() ? "" : ",")
                        .append("le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            String braces = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_sum").append(braces).append(' ').append(format(s.sum.sum())).append('\n');
            out.append(name).append("_count").append(braces).append(' ').append(cumulative).append('\n');
        });
    }

    private String labels(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labelNames.get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        return sb.toString();
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    private static final class Series {
        /** Per bucket, not cumulative: an observation touches one adder. The last one is +Inf. */
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
        private final DoubleAdder sum = new DoubleAdder();

        Series() {
            Arrays.setAll(buckets, i -> new LongAdder());
        }

        void observe(double seconds) {
            int i = Arrays.binarySearch(BUCKETS, seconds);
            int bucket = i >= 0 ? i : -i - 1; // first bound >= seconds, or +Inf
            buckets[bucket].increment();
            sum.add(seconds);
        }
    }
}
