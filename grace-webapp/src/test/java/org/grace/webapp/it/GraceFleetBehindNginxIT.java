package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.WithNginx;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.junit.jupiter.api.Test;

/**
 * The test harness for claims about a fleet, used as the cluster tests will: two instances started by
 * {@link GraceExtension} on one PostgreSQL and one Redis, nginx in front configured by the Ansible role's template.
 * Both serve through nginx; one killed with SIGKILL costs callers nothing (nginx retries the refused connection on
 * the other); the other stops on SIGTERM within Payara's stop timeout.
 */
@WithGrace
@WithNginx
class GraceFleetBehindNginxIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoInstancesServeThroughNginxAndAKilledOneCostsCallersNothing(GraceFleet fleet, NginxLoadBalancers nginx)
            throws Exception {
        List<GraceProcess> instances = fleet.start("fleet", 2, Map.of());
        NginxLoadBalancer lb = nginx.start(fleet.ports());

        assertThat(instanceIds(lb, 20)).as("both instances answer through nginx").hasSize(2);

        GraceProcess killed = instances.get(0);
        killed.kill();
        assertThat(killed.isAlive()).isFalse();
        assertThat(fleet.ports()).containsExactly(instances.get(1).port());
        Set<String> afterKill = instanceIds(lb, 20);
        assertThat(afterKill).as("every request answered 200 by the survivor").hasSize(1);

        Duration stopped = instances.get(1).terminate();
        System.out.printf("GraceFleetBehindNginxIT: SIGTERM to exit %d ms%n", stopped.toMillis());
        assertThat(instances.get(1).isAlive()).isFalse();
        assertThat(fleet.running()).isEmpty();
    }

    /** Sends {@code n} health requests through nginx, each of which must be a 200; returns the instances seen. */
    private static Set<String> instanceIds(NginxLoadBalancer lb, int n) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(lb.url() + "/api/health"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            seen.add(GraceProcess.json(r).path("instance").asText());
        }
        return seen;
    }
}
