package org.grace.benchmarks.efficiency.hello;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The bare JAX-RS application the efficiency benchmark compares Grace with: the same {@code /api} root, one resource,
 * nothing else (no filters, no security, no CDI beans of its own). Packaged into a WAR by {@code HelloWar} at run
 * time and deployed on the same Payara Micro jar with the same launcher, command files and JVM profile as Grace.
 */
@ApplicationPath("/api")
public class HelloApplication extends Application {
}
