package org.grace.benchmarks.efficiency.hello;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/hello}: a constant JSON body, the least a JAX-RS request can cost on Payara Micro. */
@Path("/hello")
public class HelloResource {
    private static final String BODY = "{\"hello\":\"world\"}";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String hello() {
        return BODY;
    }
}
