package org.grace.webapp.devices;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.Checks;

/**
 * {@code /api/devices}: organisation admins and facility directors create companion devices for their facilities
 * (the answer carries the credential, once), list them and revoke them.
 */
@Path("/devices")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR})
public class DeviceResource extends CareResource {
    @Inject
    Devices devices;

    public record DeviceBody(Long facilityId, Long residentId, String name) {
    }

    @GET
    public List<Device> list() {
        return devices.list(scope());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(DeviceBody body) {
        DeviceBody b = body == null ? new DeviceBody(null, null, null) : body;
        new Checks().required("facilityId", b.facilityId()).text("name", b.name(), true, 200).check();
        Devices.Created created = devices.create(scope(), b.facilityId(), b.residentId(), b.name().trim());
        return Response.status(201).header("Cache-Control", "no-store").entity(created).build();
    }

    @POST
    @Path("/{id}/revoke")
    public Device revoke(@PathParam("id") String id) {
        return devices.revoke(scope(), Checks.pathId(id, "device"));
    }
}
