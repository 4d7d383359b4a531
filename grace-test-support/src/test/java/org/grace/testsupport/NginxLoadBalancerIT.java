package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * nginx configured by the Ansible role's template in front of small HTTP servers that answer with their own port:
 * the rendered file is the role's, requests are balanced, a reload changes the upstreams, a drained upstream gets
 * nothing, and a dead one is skipped.
 */
@WithNginx
class NginxLoadBalancerIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<HttpServer> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() {
        backends.forEach(b -> b.stop(0));
    }

    @Test
    void everyLineOfTheRoleTemplateWithoutAnExpressionIsInTheRenderedFile(NginxLoadBalancers nginx)
            throws IOException {
        NginxLoadBalancer lb = nginx.start(List.of(backend(), backend()));
        String rendered = Files.readString(lb.siteConfiguration());
        List<String> template = Files.readAllLines(
                ProjectLayout.root().resolve("ansible/roles/nginx_lb/templates/grace.conf.j2"));
        boolean tlsOnly = false; // lines between "{% if grace_lb_tls %}" and its else/endif: rendered with TLS only
        for (String line : template) {
            String directive = line.strip();
            if (directive.equals("{% if grace_lb_tls %}")) {
                tlsOnly = true;
            } else if (tlsOnly && (directive.equals("{% else %}") || directive.equals("{% endif %}"))) {
                tlsOnly = false;
            }
            if (!tlsOnly && !line.contains("{{") && !line.contains("{%") && !line.isBlank()) {
                assertThat(rendered).as("rendered file keeps the template line %s", line).contains(line);
            }
        }
        for (int port : lb.upstreamPorts()) {
            assertThat(rendered).containsPattern("server 127\\.0\\.0\\.1:" + port + " max_fails=\\S+ fail_timeout=\\S+;");
        }
        assertThat(rendered).contains("listen 127.0.0.1:" + lb.port() + ";");
    }

    @Test
    void requestsReachEveryUpstreamAndAReloadChangesWhichOnes(NginxLoadBalancers nginx) throws Exception {
        int a = backend();
        int b = backend();
        int c = backend();
        NginxLoadBalancer lb = nginx.start(List.of(a, b));
        assertThat(answers(lb, 20).keySet()).containsExactlyInAnyOrder(a, b);

        lb.upstreams(List.of(c));
        assertThat(answers(lb, 10).keySet()).containsExactly(c);

        lb.upstreams(List.of(a, c));
        lb.drain(Set.of(a));
        assertThat(answers(lb, 10).keySet()).containsExactly(c);
        lb.drain(Set.of());
        assertThat(answers(lb, 20).keySet()).containsExactlyInAnyOrder(a, c);

        String upstreamLog = Files.readString(lb.upstreamLog());
        assertThat(upstreamLog).contains("127.0.0.1:" + c).contains("GET /whoami");
    }

    @Test
    void aDeadUpstreamIsSkippedWithoutAnErrorForTheCaller(NginxLoadBalancers nginx) throws Exception {
        int alive = backend();
        int dead = FreePorts.next(); // nothing listens there: connection refused, which proxy_next_upstream retries
        NginxLoadBalancer lb = nginx.start(List.of(dead, alive));
        Map<Integer, Integer> seen = answers(lb, 20);
        assertThat(seen).containsOnlyKeys(alive);
        assertThat(seen.get(alive)).isEqualTo(20);
    }

    /** Sends {@code n} GETs through nginx; counts the answers per backend port. Every answer must be a 200. */
    private static Map<Integer, Integer> answers(NginxLoadBalancer lb, int n) throws Exception {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(lb.url() + "/whoami"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            seen.merge(Integer.parseInt(r.body()), 1, Integer::sum);
        }
        return seen;
    }

    /** A loopback HTTP server that answers every request with its own port. */
    private int backend() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 16);
        int port = server.getAddress().getPort();
        server.createContext("/", exchange -> {
            byte[] body = Integer.toString(port).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        backends.add(server);
        return port;
    }
}
