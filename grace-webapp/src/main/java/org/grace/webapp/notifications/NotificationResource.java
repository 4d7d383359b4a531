package org.grace.webapp.notifications;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;
import org.grace.webapp.http.ApiException;

/** {@code /api/notifications}: the caller's own notifications, for every role. */
@Path("/notifications")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF, Roles.FAMILY})
public class NotificationResource {
    @Inject
    Notifications notifications;
    @Context
    SecurityContext security;
    @Context
    HttpServletRequest request;

    @GET
    public Notifications.Page list(@QueryParam("unreadOnly") String unreadOnly, @QueryParam("cursor") String cursor,
                                   @QueryParam("limit") String limit) {
        Checks checks = new Checks().oneOf("unreadOnly", unreadOnly, false, java.util.Set.of("true", "false"));
        int size = limit(checks, limit);
        checks.check();
        return notifications.list(scope().userId(), "true".equals(unreadOnly), cursor, size);
    }

    @GET
    @Path("/unread-count")
    public Map<String, Long> unreadCount() {
        return Map.of("unread", notifications.unreadCount(scope().userId()));
    }

    @POST
    @Path("/{id}/read")
    public Map<String, Long> read(@PathParam("id") String id) {
        return mark(id, true);
    }

    @POST
    @Path("/{id}/unread")
    public Map<String, Long> unread(@PathParam("id") String id) {
        return mark(id, false);
    }

    @POST
    @Path("/read-all")
    public Map<String, Long> readAll() {
        CareScope scope = scope();
        long marked = notifications.markAllRead(scope.organizationId(), scope.userId());
        return Map.of("marked", marked, "unread", notifications.unreadCount(scope.userId()));
    }

    private Map<String, Long> mark(String id, boolean read) {
        CareScope scope = scope();
        if (!notifications.mark(scope.organizationId(), scope.userId(), Checks.pathId(id, "notification"), read)) {
            throw new ApiException(404, "no such notification");
        }
        return Map.of("unread", notifications.unreadCount(scope.userId()));
    }

    static int limit(Checks checks, String limit) {
        if (limit == null || limit.isBlank()) {
            return 50;
        }
        Long n = checks.id("limit", limit);
        if (n != null && n > Notifications.MAX_PAGE) {
            checks.fail("limit", "must be at most " + Notifications.MAX_PAGE);
        }
        return n == null ? 50 : (int) Math.min(n, Notifications.MAX_PAGE);
    }

    private CareScope scope() {
        return CareScope.of(security, request);
    }
}
