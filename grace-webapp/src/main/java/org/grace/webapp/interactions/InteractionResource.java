package org.grace.webapp.interactions;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.webapp.auth.AccessTokenFilter;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;
import org.grace.webapp.devices.DeviceCredentials;
import org.grace.webapp.devices.DeviceIdentity;
import org.grace.webapp.devices.Devices;
import org.grace.webapp.ratelimit.RateLimits;
import org.grace.webapp.residents.Resident;
import org.grace.webapp.residents.Residents;
import org.grace.webapp.http.ApiException;


/**
 * {@code /api/residents/{id}/interactions}: transcripts in, from staff (signed in, any staff role, for a resident of
 * their facilities) or from a companion device ({@code Authorization: Bearer gdc_...}, accepted here and nowhere
 * else: for a resident of the device's facility, or only its own resident when it has one).
 *
 * <p>A submission is answered {@code 202 Accepted} with the interaction id as soon as the interaction and its
 * detection job are committed; detection runs in the background. Text over {@value #MAX_TEXT_BYTES} bytes (UTF-8) is
 * 413; each device and each resident has a rate limit (429).
 *
 * <p>A sender that may resend (a device that lost an answer) sends an {@code Idempotency-Key} header, 1 to
 * {@value #MAX_IDEMPOTENCY_KEY} visible ASCII characters (a UUID is ideal): a resend with the same key is answered with
 * the first submission's interaction id (and {@code Idempotent-Replayed: true}) and stores and alerts nothing more.
 */
@Path("/residents/{residentId}/interactions")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class InteractionResource extends CareResource {
    public static final int MAX_TEXT_BYTES = 64 * 1024;
    static final int MAX_TURNS = 2000;
    /** A device clock a little ahead is fine; a start time far in the future is a bug in the client. */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Long enough for a UUID with a prefix or a device's own scheme; the column's check says the same. */
    static final int MAX_IDEMPOTENCY_KEY = 200;

    @Inject
    Interactions interactions;
    @Inject
    Devices devices;
    @Inject
    Residents residents;
    @Inject
    RateLimits limits;

    public record InteractionBody(String text, List<Interaction.Turn> turns, String startedAt, String location) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(@PathParam("residentId") String residentIdText, InteractionBody body) {
        CareScope scope = null;
        DeviceIdentity device = null;
        if (request.getAttribute(AccessTokenFilter.TOKEN_ATTRIBUTE) != null) {
            scope = scope().require(CareScope.STAFF_ROLES);
        } else {
            device = deviceOrRefuse();
        }
        long residentId = Checks.pathId(residentIdText, "resident");
        InteractionBody b = body == null ? new InteractionBody(null, null, null, null) : body;
        String text = textOf(b);
        Checks checks = new Checks().text("location", b.location(), false, 200);
        if (text == null || text.isBlank()) {
            checks.fail(b.turns() == null ? "text" : "turns", "is required");
        }
        if (b.turns() != null) {
            if (b.turns().size() > MAX_TURNS) {
                checks.fail("turns", "must have at most " + MAX_TURNS + " turns");
            } else if (b.turns().stream().anyMatch(t -> t == null || t.speaker() == null || t.speaker().isBlank()
                    || t.speaker().length() > 50 || t.text() == null)) {
                checks.fail("turns", "each turn needs a speaker (at most 50 characters) and a text");
            }
        }
        String idempotencyKey = request.getHeader(IDEMPOTENCY_KEY);
        if (idempotencyKey != null && !validIdempotencyKey(idempotencyKey)) {
            checks.fail(IDEMPOTENCY_KEY, "must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " visible ASCII characters (a UUID, say)");
        }
        Instant startedAt = checks.instant("startedAt", b.startedAt());
        if (startedAt != null && startedAt.isAfter(Instant.now().plus(FUTURE_TOLERANCE))) {
            checks.fail("startedAt", "must not be in the future");
        }
        checks.check();

        Resident resident = residents.profile(residentId).orElseThrow(() -> new ApiException(404, "no such resident"));
        boolean allowed = scope != null ? residents.canSee(scope, resident)
                : resident.organizationId() == device.organizationId() && resident.facilityId() == device.facilityId()
                && (device.residentId() == null || device.residentId() == residentId);
        if (!allowed) {
            throw new ApiException(404, "no such resident");
        }
        if (!"active".equals(resident.status())) {
            throw new ApiException(409, "the resident is discharged");
        }
        if (device != null) {
            refuseIfDenied(limits.ingestFromDevice(device.id()));
        }
        refuseIfDenied(limits.ingestForResident(residentId));

        Interactions.Accepted accepted = interactions.accept(new Interactions.Submission(resident.organizationId(),
                resident.facilityId(), residentId, text, b.turns(), startedAt == null ? Instant.now() : startedAt,
                Checks.trimmed(b.location()), device, scope == null ? null : scope.userId(), idempotencyKey));
        long id = accepted.interactionId();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("interactionId", id);
        answer.put("residentId", residentId);
        answer.put("status", "accepted");
        Response.ResponseBuilder response = Response.accepted(answer)
                .location(URI.create("/api/residents/" + residentId + "/interactions/" + id));
        if (accepted.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    static boolean validIdempotencyKey(String key) {
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (ch < 0x21 || ch > 0x7e) {
                return false;
            }
        }
        return true;
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public List<Interaction> list(@PathParam("residentId") String residentId, @QueryParam("cursor") String cursor,
                                  @QueryParam("limit") String limit) {
        CareScope scope = scope();
        long resident = Checks.pathId(residentId, "resident");
        Checks checks = new Checks();
        Long before = checks.id("cursor", cursor);
        int size = checks.pageSize(limit, 200);
        checks.check();
        residents.visible(scope, resident);
        return interactions.ofResident(scope, resident, before, size);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Interaction get(@PathParam("residentId") String residentId, @PathParam("id") String id) {
        CareScope scope = scope();
        return interactions.one(scope, Checks.pathId(residentId, "resident"), Checks.pathId(id, "interaction"))
                .orElseThrow(() -> new ApiException(404, "no such interaction"));
    }

    /** The device named by the bearer credential; 401 with the reason otherwise. */
    private DeviceIdentity deviceOrRefuse() {
        String authorization = request.getHeader("Authorization");
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (DeviceCredentials.looksLikeOne(presented)) {
            return devices.identify(presented)
                    .orElseThrow(() -> new ApiException(401, "unknown or revoked device credential"));
        }
        Object why = request.getAttribute(AccessTokenFilter.REJECTED_ATTRIBUTE);
        throw new ApiException(401, why != null ? why.toString() : "sign-in or a device credential required");
    }

    /**
     * The text to store: {@code text} as given, or the turns as "speaker: words" lines (the detector reads speakers
     * from that form). Over the limit is 413 before anything else is looked at.
     */
    static String textOf(InteractionBody b) {
        String text = b.text();
        if ((text == null || text.isBlank()) && b.turns() != null) {
            StringBuilder sb = new StringBuilder();
            for (Interaction.Turn t : b.turns()) {
                if (t != null && t.text() != null) {
                    sb.append(sb.length() == 0 ? "" : "\n").append(t.speaker()).append(": ").append(t.text());
                }
            }
            text = sb.toString();
        }
        long turnBytes = 0;
        if (b.turns() != null) {
            for (Interaction.Turn t : b.turns()) {
                turnBytes += t == null || t.text() == null ? 0 : t.text().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (turnBytes > MAX_TEXT_BYTES
                || (text != null && text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES)) {
            throw new ApiException(413, "the transcript is larger than " + MAX_TEXT_BYTES + " bytes of text");
        }
        return text;
    }

    private void refuseIfDenied(RateLimitDecision decision) {
        if (!decision.allowed()) {
            throw limits.tooManyRequests(decision);
        }
    }
}
