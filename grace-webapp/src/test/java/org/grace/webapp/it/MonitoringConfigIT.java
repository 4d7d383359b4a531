package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring (top-level {@code monitoring/}) as Prometheus itself reads it: the scrape configuration and
 * the alert rules pass {@code promtool check}, and the rules' unit tests ({@code alerts-test.yml}: each of the scaling
 * guide's thresholds fires above it and stays quiet below) pass {@code promtool test rules}. promtool is Debian's
 * {@code prometheus} package. That the alerts' series exist on a real instance is checked by
 * {@link FleetUnderFaultsIT}.
 */
class MonitoringConfigIT {
    private static final Path MONITORING = ProjectLayout.root().resolve("monitoring");

    @Test
    void scrapeConfigurationIsValid() {
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    @Test
    void alertRulesAreValid() {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 9 rules found");
    }

    @Test
    void alertRulesFireAtTheGuidesThresholdsAndNotBelow() {
        String out = promtool("test", "rules", "alerts-test.yml");
        System.out.println("MonitoringConfigIT: promtool test rules alerts-test.yml: " + out.replace('\n', ' ').trim());
        assertThat(out).contains("SUCCESS");
    }

    private static String promtool(String... args) {
        String promtool = DebianPackages.ensure("promtool", "prometheus");
        try {
            List<String> command = new java.util.ArrayList<>(List.of(promtool));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError("promtool failed to run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
