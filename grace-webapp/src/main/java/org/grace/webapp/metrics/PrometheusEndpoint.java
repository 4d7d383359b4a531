package org.grace.webapp.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /prometheus}: the metrics a fleet is watched by, in Prometheus text format: the latency histograms of
 * {@link GraceMetrics}, process CPU and memory, and the gauges adapters register (pool connections, database
 * availability). Payara's {@code /metrics} keeps the counters; this path exists because that one cannot serve a
 * histogram with buckets. {@code monitoring/prometheus.yml} scrapes both.
 */
@WebServlet(urlPatterns = "/prometheus", loadOnStartup = 1)
public class PrometheusEndpoint extends HttpServlet {
    private static final long PAGE_SIZE = 4096;

    @Inject
    GraceMetrics metrics;

    @Override
    public void init() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            metrics.fleetGauge("process_cpu_usage_ratio",
                    "Recent CPU use of this process, 0 to 1 of the whole machine", "gauge",
                    () -> Math.max(0, sun.getProcessCpuLoad()));
            metrics.fleetGauge("process_cpu_seconds_total", "CPU time used by this process", "counter",
                    () -> sun.getProcessCpuTime() / 1e9);
        }
        var memory = ManagementFactory.getMemoryMXBean();
        metrics.fleetGauge("grace_jvm_heap_used_bytes", "Java heap in use", "gauge",
                () -> memory.getHeapMemoryUsage().getUsed());
        metrics.fleetGauge("grace_jvm_heap_max_bytes", "Largest Java heap (the profile's -Xmx)", "gauge", () -> {
            MemoryUsage heap = memory.getHeapMemoryUsage();
            return heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        });
        metrics.fleetGauge("process_resident_memory_bytes", "Resident memory of this process", "gauge",
                PrometheusEndpoint::residentBytes);
    }

    /** Resident set size from {@code /proc/self/statm} (second field, in pages); absent off Linux. */
    private static Long residentBytes() {
        try {
            String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = metrics.prometheusText().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
