package org.grace.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx in front of Grace instances on loopback, configured by the Ansible role's own template
 * ({@code ansible/roles/nginx_lb/templates/grace.conf.j2} with the role's {@code defaults/main.yml}), rendered with
 * Jinja2 as Ansible does (Debian's {@code python3-jinja2}, which {@code ansible-core} brings). Whatever the role
 * deploys (balancing, {@code max_fails}, {@code proxy_next_upstream}, timeouts, logs) is what the tests run.
 *
 * <p>It runs as its own nginx master process ({@code nginx -c} with a main file written here, {@code daemon off}),
 * with its pid file, error log, access logs and temp folders in a folder under {@code target/}, listening on a free
 * loopback port. The main file stands in for Debian's {@code /etc/nginx/nginx.conf}, which the role leaves as it is
 * and which only adds settings that do not change proxying (MIME types, gzip of static files, TLS defaults).
 * {@link #upstreams(List)} re-renders the template and reloads (SIGHUP) as the role's deploys do; {@link #close()}
 * stops only this master and its workers.
 */
public final class NginxLoadBalancer extends LoopbackServer {
    private static final String TEMPLATE = "ansible/roles/nginx_lb/templates/grace.conf.j2";
    private static final String DEFAULTS = "ansible/roles/nginx_lb/defaults/main.yml";
    private static final String PORT_PLACEHOLDER = "GRACE_TEST_APP_PORT";

    private final String executable;
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private int workerConnections = 1024;
    private List<Integer> upstreamPorts = List.of();
    private Process process;

    private NginxLoadBalancer(int port, Map<String, Object> overrides) {
        super(port, "nginx-");
        this.executable = DebianPackages.ensure("nginx", "nginx");
        this.overrides.putAll(overrides);
    }

    /** Starts nginx on a free loopback port in front of the instances listening on {@code upstreamPorts}. */
    public static NginxLoadBalancer start(List<Integer> upstreamPorts) {
        return start(upstreamPorts, Map.of());
    }

    /**
     * Like {@link #start(List)}, with role variables overridden as {@code ansible-playbook -e} would, e.g.
     * {@code grace_lb_fail_timeout}. Values are strings, numbers or lists of strings.
     */
    public static NginxLoadBalancer start(List<Integer> upstreamPorts, Map<String, Object> roleVariables) {
        return start(upstreamPorts, roleVariables, 1024);
    }

    /**
     * Like {@link #start(List, Map)} with {@code worker_connections} set (1024 otherwise). Each proxied request holds
     * two connections of the single worker (the client's and the upstream's), so {@code n} open live streams need
     * more than {@code 2n}: the live-stream soak benchmark opens thousands.
     */
    public static NginxLoadBalancer start(List<Integer> upstreamPorts, Map<String, Object> roleVariables,
                                          int workerConnections) {
        NginxLoadBalancer nginx = new NginxLoadBalancer(FreePorts.next(), roleVariables);
        nginx.workerConnections = workerConnections;
        nginx.upstreamPorts = List.copyOf(upstreamPorts);
        nginx.writeConfiguration();
        nginx.startProcess();
        return nginx;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return loopbackUrl("http");
    }

    public List<Integer> upstreamPorts() {
        return upstreamPorts;
    }

    /** The rendered role template, as nginx reads it. */
    public Path siteConfiguration() {
        return dir().resolve("conf.d/grace.conf");
    }

    public Path errorLog() {
        return dir().resolve("logs/error.log");
    }

    /** The role's usual access log. */
    public Path accessLog() {
        return dir().resolve("logs/access.log");
    }

    /** The role's per-attempt log: time, status, upstream addresses and statuses, upstream time, method and URI. */
    public Path upstreamLog() {
        return dir().resolve("logs/grace-upstream.log");
    }

    /** The host name the template sees for the instance on {@code port} ({@code app1}, {@code app2}, ...). */
    public String hostName(int upstreamPort) {
        int index = upstreamPorts.indexOf(upstreamPort);
        if (index < 0) {
            throw new IllegalArgumentException("port " + upstreamPort + " is not an upstream: " + upstreamPorts);
        }
        return "app" + (index + 1);
    }

    /**
     * Changes the upstream list: re-renders the template, checks it with {@code nginx -t}, and reloads (SIGHUP),
     * returning once new workers run the new configuration and the old ones have finished (at most 5 s more: an old
     * worker serving a long request keeps it, as in a deploy).
     */
    public synchronized void upstreams(List<Integer> ports) {
        this.upstreamPorts = List.copyOf(ports);
        reload();
    }

    /**
     * Marks the instances on these ports {@code down} (the role's {@code grace_lb_down_hosts}, how its deploys drain a
     * host) and reloads; an empty set puts every instance back in rotation.
     */
    public synchronized void drain(Set<Integer> ports) {
        overrides.put("grace_lb_down_hosts", ports.stream().map(this::hostName).toList());
        reload();
    }

    /** Stops nginx the graceful way (SIGQUIT: workers finish their requests), then SIGKILL after 10 s. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("QUIT");
        Processes.awaitOrKill(process, Duration.ofSeconds(10));
        // Workers are children of the master and leave with it; a worker still finishing a request ends with it.
    }

    private void reload() {
        Set<Long> before = workerPids();
        writeConfiguration();
        signal("HUP");
        if (!answersWithin(Duration.ofSeconds(15), 20, () -> !workerPids().stream().allMatch(before::contains),
                process::isAlive, () -> "nginx exited during a reload; see " + errorLog())) {
            throw new IllegalStateException("nginx started no new workers within 15 s of SIGHUP; see " + errorLog());
        }
        // The old workers close idle keep-alive connections and end once their requests are done; until then a
        // client's open connection still reaches the old configuration. A request in flight (a stream) may keep an
        // old worker longer than this wait: that is how a reload behaves in production too.
        long drained = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (workerPids().stream().anyMatch(before::contains) && System.nanoTime() < drained) {
            Polling.sleep(20);
        }
    }

    private void writeConfiguration() {
        try {
            Files.createDirectories(dir().resolve("conf.d"));
            Files.createDirectories(dir().resolve("logs"));
            Files.createDirectories(dir().resolve("temp"));
            Files.writeString(dir().resolve("nginx.conf"), mainConfiguration());
            Files.writeString(siteConfiguration(), renderTemplate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        check();
    }

    /** What Debian's nginx.conf would give, minus what does not concern proxying, with every path in {@link #dir}. */
    private String mainConfiguration() {
        String temp = dir().resolve("temp").toString();
        return String.join("\n",
                "# Written by grace-test-support's NginxLoadBalancer in place of Debian's /etc/nginx/nginx.conf.",
                "worker_processes 1;",
                "pid " + dir().resolve("nginx.pid") + ";",
                "error_log " + errorLog() + " notice;",
                // The workers write temp files and logs under target/, which root owns: run them as root too.
                "user root;",
                "events { worker_connections " + workerConnections + "; }",
                "http {",
                "    sendfile on;",
                "    tcp_nopush on;",
                "    types_hash_max_size 2048;",
                "    default_type application/octet-stream;",
                "    access_log " + accessLog() + ";",
                "    client_body_temp_path " + temp + "/client_body;",
                "    proxy_temp_path " + temp + "/proxy;",
                "    fastcgi_temp_path " + temp + "/fastcgi;",
                "    uwsgi_temp_path " + temp + "/uwsgi;",
                "    scgi_temp_path " + temp + "/scgi;",
                "    include " + siteConfiguration() + ";",
                "}",
                "");
    }

    private String renderTemplate() {
        Path root = ProjectLayout.root();
        Map<String, Object> variables = new LinkedHashMap<>(overrides);
        variables.put("grace_lb_listen", "127.0.0.1:" + port());
        variables.put("grace_lb_server_name", "_");
        variables.put("grace_lb_access_log", accessLog().toString());
        variables.put("grace_lb_upstream_log", upstreamLog().toString());
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < upstreamPorts.size(); i++) {
            hosts.append(i == 0 ? "" : ",").append(Json.string("app" + (i + 1)))
                    .append(":{\"ansible_host\":\"127.0.0.1\",\"port\":").append(upstreamPorts.get(i)).append('}');
        }
        String request = "{\"template\":" + Json.string(root.resolve(TEMPLATE).toString())
                + ",\"defaults\":" + Json.string(root.resolve(DEFAULTS).toString())
                + ",\"group\":\"grace_app\",\"port_placeholder\":" + Json.string(PORT_PLACEHOLDER)
                + ",\"hosts\":{" + hosts + "},\"vars\":" + Json.object(variables) + "}";
        return run(List.of(python(), renderer().toString()), request, "rendering " + TEMPLATE);
    }

    private void check() {
        run(List.of(executable, "-t", "-q", "-p", dir().toString(), "-c", dir().resolve("nginx.conf").toString()), "",
                "nginx -t on " + dir());
    }

    private void startProcess() {
        try {
            process = Processes.stoppedAtExit(new ProcessBuilder(executable, "-p", dir().toString(),
                    "-c", dir().resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir().resolve("logs/stdout.log").toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start nginx", e);
        }
        if (!answersWithin(Duration.ofSeconds(15), 20, () -> listening() && !workerPids().isEmpty(), process::isAlive,
                () -> "nginx exited at start; see " + errorLog() + ":\n" + tail(errorLog()))) {
            close();
            throw new IllegalStateException("nginx did not listen on port " + port() + " within 15 s; see "
                    + errorLog());
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The master's children, from /proc: its worker processes. */
    private Set<Long> workerPids() {
        return process.children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private void signal(String name) {
        run(List.of("kill", "-" + name, Long.toString(process.pid())), "", "kill -" + name + " nginx");
    }

    /** The Python that has Jinja2 and PyYAML: Debian's, through ansible-core when they are missing. */
    private static String python() {
        String python = "/usr/bin/python3";
        if (!hasJinja(python)) {
            DebianPackages.ensure("ansible-playbook", "ansible-core");
            if (!hasJinja(python)) {
                throw new IllegalStateException("python3 has no jinja2/yaml: install the Debian packages python3-jinja2"
                        + " and python3-yaml (ansible-core brings both)");
            }
        }
        return python;
    }

    private static boolean hasJinja(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import jinja2, yaml").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path renderer() {
        Path script = dir().resolve("render-ansible-template.py");
        if (!Files.exists(script)) {
            try (InputStream in = NginxLoadBalancer.class.getResourceAsStream("render-ansible-template.py")) {
                if (in == null) {
                    throw new IllegalStateException("render-ansible-template.py missing from grace-test-support");
                }
                Files.copy(in, script);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return script;
    }

    private static String run(List<String> command, String input, String what) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + (err.isBlank() ? out : err).trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(what + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** Just enough JSON writing for the renderer's request (strings, numbers, lists of them). */
    private static final class Json {
        static String string(String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }

        static String value(Object v) {
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            if (v instanceof List<?> list) {
                return list.stream().map(Json::value).collect(Collectors.joining(",", "[", "]"));
            }
            if (v instanceof Map<?, ?> map) {
                return object(map);
            }
            return string(String.valueOf(v));
        }

        static String object(Map<?, ?> map) {
            List<String> fields = new ArrayList<>();
            map.forEach((k, v) -> fields.add(string(k.toString()) + ":" + value(v)));
            return "{" + String.join(",", fields) + "}";
        }
    }
}
