package org.grace.webapp.delivery;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.grace.webapp.auth.Caller;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.http.ApiException;

/**
 * {@code /api/delivery-channels}: the caller's own choice of out-of-app channels. Every channel is on until its
 * user switches it off; {@code available} says whether this deployment can deliver on it at all.
 */
@Path("/delivery-channels")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF, Roles.FAMILY})
public class DeliveryChannelResource {
    public record ChannelChoice(String channel, boolean enabled, boolean available) {
    }

    public record Change(Boolean enabled) {
    }

    @Inject
    OutOfAppDelivery delivery;
    @Inject
    DataSource dataSource;
    @Context
    SecurityContext security;
    @Context
    HttpServletRequest request;

    @GET
    public List<ChannelChoice> list() {
        long userId = Caller.of(security, request).userId();
        Map<String, Boolean> chosen = Transactions.inTransaction(dataSource, c -> {
            Map<String, Boolean> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT channel, enabled FROM user_delivery_channels WHERE user_id = ?")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getBoolean(2));
                    }
                }
            }
            return out;
        });
        List<String> available = delivery.availableChannels();
        List<ChannelChoice> out = new ArrayList<>();
        for (String channel : delivery.knownChannels()) {
            out.add(new ChannelChoice(channel, chosen.getOrDefault(channel, true), available.contains(channel)));
        }
        return out;
    }

    @PUT
    @Path("/{channel}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ChannelChoice choose(@PathParam("channel") String channel, Change body) {
        if (!delivery.knownChannels().contains(channel)) {
            throw new ApiException(404, "no such channel: " + channel + " (known: " + delivery.knownChannels() + ")");
        }
        if (body == null || body.enabled() == null) {
            throw ApiException.invalidFields(Map.of("enabled", "is required: true or false"));
        }
        long userId = Caller.of(security, request).userId();
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_delivery_channels (user_id, channel, "
                    + "enabled) VALUES (?, ?, ?) ON CONFLICT (user_id, channel) DO UPDATE SET enabled = "
                    + "excluded.enabled, updated_at = now()")) {
                ps.setLong(1, userId);
                ps.setString(2, channel);
                ps.setBoolean(3, body.enabled());
                return ps.executeUpdate();
            }
        });
        return new ChannelChoice(channel, body.enabled(), delivery.availableChannels().contains(channel));
    }
}
