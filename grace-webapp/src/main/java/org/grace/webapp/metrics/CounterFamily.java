package org.grace.webapp.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus counter with one label, written in the text format for {@code /prometheus} ({@code name_total}); the
 * values named at construction are written from zero, so "nothing by this path yet" is a 0, not a missing line.
 */
public final class CounterFamily {
    private final String name;
    private final String help;
    private final String labelName;
    private final Map<String, LongAdder> series = new ConcurrentHashMap<>();

    public CounterFamily(String name, String help, String labelName, String... knownValues) {
        this.name = name;
        this.help = help;
        this.labelName = labelName;
        for (String v : knownValues) {
            series.put(v, new LongAdder());
        }
    }

    public void add(String labelValue, long n) {
        series.computeIfAbsent(labelValue, k -> new LongAdder()).add(n);
    }

    public long value(String labelValue) {
        LongAdder adder = series.get(labelValue);
        return adder == null ? 0 : adder.sum();
    }

    public List<String> labelValues() {
        return List.copyOf(new TreeMap<>(series).keySet());
    }

    public void writeTo(StringBuilder out) {
        out.append("# HELP ").append(name).append("_total ").append(help).append('\n');
        out.append("# TYPE ").append(name).append("_total counter\n");
        new TreeMap<>(series).forEach((value, adder) -> out.append(name).append("_total{").append(labelName)
                .append("=\"").append(LatencyHistogram.escape(value)).append("\"} ").append(adder.sum()).append('\n'));
    }
}
