package org.grace.benchmarks.documents;

import java.util.List;

/** Median, lowest and highest of a few repetitions: what a results table shows of them. */
record Spread(double median, double min, double max, int n) {
    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** "42.0 (37.1-45.3)": the median, then the range. */
    String format(String pattern) {
        return String.format(pattern + " (" + pattern + "-" + pattern + ")", median, min, max);
    }
}
