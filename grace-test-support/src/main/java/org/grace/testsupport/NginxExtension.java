package org.grace.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * nginx load balancers for a test class ({@link WithNginx}). nginx cannot start without an upstream, and the
 * instances behind it usually start in the test, so a parameter of type {@link NginxLoadBalancers} gets a starter:
 * {@code nginx.start(ports)} starts one {@link NginxLoadBalancer} (the Ansible role's template, its own master
 * process on a free loopback port), and every one it started stops when the test class ends.
 */
public final class NginxExtension extends ServerExtension<NginxExtension.NginxLoadBalancers> {
    public NginxExtension() {
        super(ServerStore.perClass(NginxExtension.class, NginxLoadBalancers.class, NginxLoadBalancers::new));
    }

    /** Starts nginx load balancers and stops, when its test class ends, those it started. */
    public static final class NginxLoadBalancers implements AutoCloseable {
        private final List<NginxLoadBalancer> started = Collections.synchronizedList(new ArrayList<>());

        private NginxLoadBalancers() {
        }

        /** nginx in front of the instances on these loopback ports, with the role's defaults. */
        public NginxLoadBalancer start(List<Integer> upstreamPorts) {
            return start(upstreamPorts, Map.of());
        }

        /** nginx in front of these ports with some role variables overridden (as {@code -e} would). */
        public NginxLoadBalancer start(List<Integer> upstreamPorts, Map<String, Object> roleVariables) {
            NginxLoadBalancer nginx = NginxLoadBalancer.start(upstreamPorts, roleVariables);
            started.add(nginx);
            return nginx;
        }

        @Override
        public void close() {
            synchronized (started) {
                started.forEach(NginxLoadBalancer::close);
                started.clear();
            }
        }
    }
}
