package org.grace.webapp.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** Grace's HTTP API lives under {@code /api}; health and metrics stay at Payara's {@code /health} and {@code /metrics}. */
@ApplicationPath("/api")
public class GraceApplication extends Application {
    /**
     * Jersey's role check, and no generated WADL: without that, {@code OPTIONS} on any resource answered an XML
     * description of the API, and {@code /api/application.wadl} published all of it.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true,
                // @RolesAllowed, @PermitAll and @DenyAll checked against the caller that auth.AccessTokenFilter
                // puts in the JAX-RS SecurityContext. Payara's own role filter is off (payara-web.xml): it asks
                // the container's authentication, which Grace does not use, whether the request is signed in.
                "jersey.config.server.provider.classnames",
                "org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature");
    }
}
