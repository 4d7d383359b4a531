package org.grace.webapp.users;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.grace.webapp.auth.Caller;
import org.grace.webapp.auth.GraceJsonWebToken;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.Fields;

/**
 * The users of the caller's organisation. Every query is filtered by the caller's organisation (from the verified
 * token), so another organisation's user is "404 not found", indistinguishable from an id that does not exist.
 */
@Path("/users")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {
    @Inject
    UserDirectory users;
    @Inject
    PasswordHasher passwords;
    @Inject
    Profiles profiles;
    @Context
    SecurityContext security;
    @Context
    HttpServletRequest request;

    public record NewUser(String email, String displayName, String role, String password) {
    }

    public record UserChange(String displayName, String role) {
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    public List<UserView> list() {
        return users.ofOrganization(caller().organizationId()).stream().map(User::view).toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public UserView get(@PathParam("id") String id) {
        // A hot read: through the same cached profile as /api/auth/me, then held to the caller's organisation.
        long organizationId = caller().organizationId();
        return profiles.of(parseId(id)).filter(u -> u.organizationId() == organizationId)
                .orElseThrow(() -> new ApiException(404, "no such user"));
    }

    @POST
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewUser body) {
        new Fields().email("email", body.email())
                .text("displayName", body.displayName(), true, 200)
                .oneOf("role", body.role(), true, Roles.ALL)
                .password("password", body.password(), PasswordHasher.MIN_LENGTH)
                .check();
        long organizationId = caller().organizationId();
        long id = users.create(organizationId, body.email().trim(), body.displayName().trim(), body.role(),
                passwords.hash(body.password()))
                .orElseThrow(() -> new ApiException(409, "a user with this e-mail address exists"));
        return Response.status(201).entity(users.inOrganization(organizationId, id).orElseThrow().view()).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public UserView change(@PathParam("id") String id, UserChange body) {
        new Fields().text("displayName", body.displayName(), false, 200).oneOf("role", body.role(), false, Roles.ALL).check();
        long organizationId = caller().organizationId();
        long userId = parseId(id);
        String name = body.displayName() == null || body.displayName().isBlank() ? null : body.displayName().trim();
        if (!users.update(organizationId, userId, name, body.role())) {
            throw new ApiException(404, "no such user");
        }
        profiles.changed(userId);
        return users.inOrganization(organizationId, userId).orElseThrow().view();
    }

    /**
     * Deactivates a user of the caller's organisation: they can no longer sign in or refresh their sign-in (an access
     * token already issued lasts until it expires). Their records stay. Idempotent; an administrator cannot
     * deactivate themselves (409), so an organisation keeps someone who can undo it.
     */
    @POST
    @Path("/{id}/deactivate")
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    public UserView deactivate(@PathParam("id") String id) {
        long userId = parseId(id);
        if (userId == caller().userId()) {
            throw new ApiException(409, "you cannot deactivate your own account");
        }
        return setActive(userId, false);
    }

    /** Lets a deactivated user of the caller's organisation sign in again. Idempotent. */
    @POST
    @Path("/{id}/reactivate")
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    public UserView reactivate(@PathParam("id") String id) {
        return setActive(parseId(id), true);
    }

    private UserView setActive(long userId, boolean active) {
        long organizationId = caller().organizationId();
        if (!users.setActive(organizationId, userId, active)) {
            throw new ApiException(404, "no such user");
        }
        profiles.changed(userId);
        return users.inOrganization(organizationId, userId).orElseThrow().view();
    }

    private GraceJsonWebToken caller() {
        return Caller.of(security, request);
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiException(404, "no such user");
        }
    }
}
