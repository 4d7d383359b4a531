package org.grace.fleettest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * The defect of the fleet suite's second broken release (ansible/test/rollbacks.sh): added to a copy of the real
 * WAR, it makes {@code GET /api/users} answer 500 while every other route, {@code /api/health} included, works. Such
 * a release passes every health check, so only a deploy that watches the release's 5xx share under traffic can
 * refuse it. Never part of a build: the suite compiles it against the JAX-RS API when it makes that release.
 */
@Provider
public class UsersListAnswers500 implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
        if ("GET".equals(request.getMethod()) && "users".equals(path)) {
            request.abortWith(Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                    .entity("{\"status\":500,\"error\":\"Internal Server Error\","
                            + "\"message\":\"the fleet suite's broken release answers 500 here\"}")
                    .build());
        }
    }
}
