package org.grace.webapp.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Grace's HTTP API lives under {@code /api}; health and metrics stay at Payara's {@code /health} and {@code /metrics}. */
@ApplicationPath("/api")
public class GraceApplication extends Application {
}
