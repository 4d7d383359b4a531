package org.grace.webapp.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** Grace's HTTP API lives under {@code /api}; health and metrics stay at Payara's {@code /health} and {@code /metrics}. */
@ApplicationPath("/api")
public class GraceApplication extends Application {
    /**
     * No generated WADL: without this, {@code OPTIONS} on any resource answered an XML description of the API, and
     * {@code /api/application.wadl} published all of it.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
