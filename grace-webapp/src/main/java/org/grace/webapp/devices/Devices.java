package org.grace.webapp.devices;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.facilities.Facilities;
import org.grace.webapp.residents.Resident;
import org.grace.webapp.residents.Residents;
import org.grace.webapp.http.ApiException;

/**
 * Companion devices: created for a facility (and optionally one resident) by an organisation admin or a director of
 * that facility, listed and revoked by them. The credential is returned once, at creation, and never again.
 */
@ApplicationScoped
public class Devices {
    static final String COLUMNS = "d.id, d.organization_id, d.facility_id, d.resident_id, d.name, d.credential_hint, "
            + "d.created_at, d.last_seen_at, d.revoked_at";

    @Inject
    DataSource dataSource;
    @Inject
    Facilities facilities;
    @Inject
    Residents residents;

    /** A new device and its credential, which exists nowhere else. */
    public record Created(Device device, String credential) {
    }

    public Created create(CareScope scope, long facilityId, Long residentId, String name) {
        if (facilities.find(scope, facilityId).isEmpty()) {
            throw ApiException.invalidFields(Map.of("facilityId", "no such facility"));
        }
        if (residentId != null) {
            Optional<Resident> r = residents.profile(residentId).filter(x -> residents.canSee(scope, x));
            if (r.isEmpty() || r.get().facilityId() != facilityId) {
                throw ApiException.invalidFields(Map.of("residentId", "no such resident in this facility"));
            }
        }
        String credential = DeviceCredentials.generate();
        Device device = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                "INSERT INTO companion_devices AS d (organization_id, facility_id, resident_id, name, credential_hash, "
                        + "credential_hint, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS,
                Sql.params(scope.organizationId(), facilityId, residentId, name, DeviceCredentials.hash(credential),
                        DeviceCredentials.hint(credential), scope.userId()), Devices::read).orElseThrow());
        return new Created(device, credential);
    }

    /** Devices of the facilities the caller sees, newest first. */
    public List<Device> list(CareScope scope) {
        List<Object> params = new ArrayList<>(scope.params());
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT " + COLUMNS
                + " FROM companion_devices d WHERE " + scope.facilityRows("d", "facility_id")
                + " ORDER BY d.id DESC LIMIT 1000", params, Devices::read));
    }

    /** Revokes a device the caller sees (idempotent); 404 otherwise. */
    public Device revoke(CareScope scope, long id) {
        Device device = list(scope).stream().filter(d -> d.id() == id).findFirst()
                .orElseThrow(() -> new ApiException(404, "no such device"));
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "UPDATE companion_devices AS d SET revoked_at = "
                        + "coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ?) WHERE d.id = ? RETURNING "
                        + COLUMNS, List.of(scope.userId(), device.id()), Devices::read).orElseThrow());
    }

    /** The device holding this credential, if it is not revoked. A read only: nothing is written. */
    public Optional<DeviceIdentity> identify(String credential) {
        if (!DeviceCredentials.looksLikeOne(credential)) {
            return Optional.empty();
        }
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT id, organization_id, facility_id, "
                        + "resident_id FROM companion_devices WHERE credential_hash = ? AND revoked_at IS NULL",
                List.of(DeviceCredentials.hash(credential)), Devices::identity));
    }

    /**
     * Records that the device was seen, on the caller's transaction; false when it has been revoked since it was
     * identified (the caller then refuses the request and rolls back).
     */
    public boolean seen(Connection c, long deviceId) throws SQLException {
        return Sql.update(c, "UPDATE companion_devices SET last_seen_at = now() WHERE id = ? AND revoked_at IS NULL",
                List.of(deviceId)) == 1;
    }

    private static DeviceIdentity identity(ResultSet rs) throws SQLException {
        return new DeviceIdentity(rs.getLong(1), rs.getLong(2), rs.getLong(3), Sql.nullableLong(rs, "resident_id"));
    }

    static Device read(ResultSet rs) throws SQLException {
        return new Device(rs.getLong("id"), rs.getLong("organization_id"), rs.getLong("facility_id"),
                Sql.nullableLong(rs, "resident_id"), rs.getString("name"), rs.getString("credential_hint"),
                text(Sql.instant(rs, "created_at")), text(Sql.instant(rs, "last_seen_at")),
                text(Sql.instant(rs, "revoked_at")));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
