package org.grace.webapp.livestream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Map;
import org.grace.webapp.auth.Caller;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.http.ApiException;

/**
 * {@code GET /api/notifications/stream}: the caller's live stream (Server-Sent Events; the contract is in
 * docs/live-alerts.md). The method returns at once: the open stream holds no request thread and no database
 * connection, only its entry in the registry.
 */
@Path("/notifications/stream")
@ApplicationScoped
@RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF, Roles.FAMILY})
public class StreamResource {
    @Inject
    LiveStreams streams;
    @Context
    SecurityContext security;
    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse, @HeaderParam("Last-Event-ID") String header,
                       @QueryParam("lastEventId") String query) {
        Long lastEventId = lastEventId(header != null && !header.isBlank() ? header : query);
        streams.open(Caller.of(security, request), lastEventId, new SseOutput(sink, sse));
    }

    /** The id the browser saw last: a notification id (a whole number, 0 or more), or null for "from now". */
    static Long lastEventId(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400, "invalid fields: lastEventId", Map.of("lastEventId",
                "must be a notification id (a whole number, 0 or more)"), Map.of());
    }
}
