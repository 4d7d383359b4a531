package org.grace.webapp.signin;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.Fields;
import org.grace.webapp.settings.GraceSettings;
import org.grace.webapp.users.PasswordHasher;
import org.grace.webapp.users.User;
import org.grace.webapp.users.UserDirectory;

/**
 * First-run set-up: {@code POST /api/setup} creates the first organisation and its administrator, and is open only
 * while no administrator exists (afterwards 409, on every instance: the check is in PostgreSQL under a lock). When
 * {@code GRACE_SETUP_TOKEN} is set, the request must also carry it in {@code X-Setup-Token}, so whoever reaches a
 * fresh installation first cannot take it over.
 */
@Path("/setup")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SetupResource {
    @Inject
    UserDirectory users;
    @Inject
    PasswordHasher passwords;
    @Inject
    GraceSettings settings;
    @Inject
    AuthResource auth;

    public record SetupRequest(String organizationName, String email, String displayName, String password) {
    }

    @GET
    @PermitAll
    public Map<String, Object> status() {
        return Map.of("open", !users.administratorExists());
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setUp(@HeaderParam("X-Setup-Token") String setupToken, SetupRequest body) {
        Optional<String> required = settings.setupToken();
        if (required.isPresent() && (setupToken == null || !MessageDigest.isEqual(
                required.get().getBytes(StandardCharsets.UTF_8), setupToken.getBytes(StandardCharsets.UTF_8)))) {
            throw new ApiException(403, "missing or wrong X-Setup-Token");
        }
        new Fields().text("organizationName", body.organizationName(), true, 200)
                .email("email", body.email())
                .text("displayName", body.displayName(), true, 200)
                .password("password", body.password(), PasswordHasher.MIN_LENGTH)
                .check();
        if (users.administratorExists()) {
            throw new ApiException(409, "set-up is closed: an administrator exists");
        }
        Optional<Long> id = users.createFirstAdministrator(body.organizationName().trim(), body.email().trim(),
                body.displayName().trim(), passwords.hash(body.password()));
        if (id.isEmpty()) {
            throw new ApiException(409, "set-up is closed: an administrator exists");
        }
        User admin = users.byId(id.get()).orElseThrow();
        return auth.signedIn(admin.view(), false, 201);
    }
}
