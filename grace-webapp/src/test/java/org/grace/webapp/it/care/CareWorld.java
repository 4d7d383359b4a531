package org.grace.webapp.it.care;

import static org.grace.webapp.it.Fixtures.PASSWORD;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.grace.testsupport.PostgresDatabase;
import org.grace.webapp.it.Fixtures;
import org.grace.webapp.it.FleetSettings;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.GraceProcess;
import org.grace.webapp.it.SigningKeys;

/**
 * The world of the care tests: three Grace instances of the class's {@link GraceFleet} on its PostgreSQL and Redis,
 * and two organisations built through the API.
 *
 * <pre>
 * Rose Court (organisation A)                          Oak House (organisation B)
 *   admin                (organization_admin)            bAdmin (organization_admin), bManager in Oak Ward
 *   Willow Wing: director, manager, staff; residents 0..9 (resident 0 linked to family), a device per resident
 *   Birch Wing:  manager2, staff2; residents 10..11
 * </pre>
 * Instances run with generous rate limits (the tests call fast from one address) except where a test says. The fleet
 * stops them, and the servers, when the class ends.
 */
final class CareWorld {
    static final int WILLOW_RESIDENTS = 10;

    private final DataSource db;
    final List<GraceProcess> instances = new ArrayList<>();
    final Map<String, CareClient> users = new LinkedHashMap<>();
    final Map<String, Long> userIds = new LinkedHashMap<>();
    long willow;
    long birch;
    long oakWard;
    final List<Long> willowResidents = new ArrayList<>();
    final List<Long> birchResidents = new ArrayList<>();
    long oakResident;
    /** Device credential per Willow resident, bound to that resident. */
    final Map<Long, String> deviceCredentials = new LinkedHashMap<>();
    final Map<Long, Long> deviceIds = new LinkedHashMap<>();
    /** The key pair that signs the instances' access tokens (a test may sign its own, e.g. one about to expire). */
    KeyPair signingKey;

    private CareWorld(DataSource db) {
        this.db = db;
    }

    static CareWorld start(GraceFleet fleet, PostgresDatabase database, int instanceCount) throws Exception {
        return start(fleet, database, instanceCount, Map.of());
    }

    /** The world with {@code settings} on top of the care tests' own (which they may replace). */
    static CareWorld start(GraceFleet fleet, PostgresDatabase database, int instanceCount,
                           Map<String, String> settings) throws Exception {
        CareWorld w = new CareWorld(database.dataSource());
        KeyPair signing = SigningKeys.generate();
        w.signingKey = signing;
        Map<String, String> env = FleetSettings.sharedKeyQuickSignIn(SigningKeys.privateKeyPem(signing), "care-it");
        env.put("GRACE_DB_POOL_SIZE", "12");
        env.put("GRACE_AUTH_ACCESS_TTL", "60m");
        env.put("GRACE_RATELIMIT_API_PER_MINUTE", "100000");
        env.put("GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE", "1000");
        env.put("GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE", "200");
        // A healthy Redis answer on two loaded cores sometimes takes over 50 ms (see MultiInstanceIT).
        env.put("GRACE_REDIS_CALL_TIMEOUT", "250ms");
        env.putAll(settings);
        // One after the other (the fleet's way): boots at once on two busy cores are slower.
        w.instances.addAll(fleet.start("care", instanceCount, env));
        w.build();
        return w;
    }

    GraceProcess instance(int n) {
        return instances.get(Math.floorMod(n, instances.size()));
    }

    CareClient user(String name) {
        return users.get(name);
    }

    long userId(String name) {
        return userIds.get(name);
    }

    DataSource db() {
        return db;
    }

    private void build() throws Exception {
        GraceProcess a = instance(0);
        GraceProcess b = instance(1);
        GraceProcess c = instance(2);
        JsonNode setup = expect(new CareClient("anonymous", null).post(a, "/api/setup", json("organizationName",
                "Rose Court", "email", "admin@rose.example", "displayName", "Ada Admin", "password", PASSWORD)), 201);
        userIds.put("admin", setup.path("user").path("id").asLong());
        CareClient admin = CareClient.signIn(b, "admin@rose.example", PASSWORD);
        users.put("admin", admin);
        for (String[] u : new String[][] {{"director", "facility_director"}, {"manager", "care_manager"},
                {"staff", "care_staff"}, {"manager2", "care_manager"}, {"staff2", "care_staff"},
                {"family", "family"}, {"admin2", "organization_admin"}}) {
            JsonNode created = expect(admin.post(c, "/api/users", json("email", u[0] + "@rose.example",
                    "displayName", "Rose " + u[0], "role", u[1], "password", PASSWORD)), 201);
            userIds.put(u[0], created.path("id").asLong());
        }
        willow = expect(admin.post(a, "/api/facilities", json("name", "Willow Wing", "timeZone", "Europe/London")),
                201).path("id").asLong();
        birch = expect(admin.post(b, "/api/facilities", json("name", "Birch Wing")), 201).path("id").asLong();
        for (String member : List.of("director", "manager", "staff")) {
            expect(admin.send(c, "PUT", "/api/facilities/" + willow + "/staff/" + userId(member), null), 204);
        }
        for (String member : List.of("manager2", "staff2")) {
            expect(admin.send(a, "PUT", "/api/facilities/" + birch + "/staff/" + userId(member), null), 204);
        }
        for (int i = 0; i < WILLOW_RESIDENTS; i++) {
            willowResidents.add(expect(admin.post(instance(i), "/api/residents", json("facilityId", willow,
                    "fullName", "Willow Resident " + i, "preferredName", "W" + i, "room", "W" + (100 + i),
                    "dateOfBirth", "1940-0" + (1 + i % 9) + "-15")), 201).path("id").asLong());
        }
        for (int i = 0; i < 2; i++) {
            birchResidents.add(expect(admin.post(instance(i), "/api/residents", json("facilityId", birch,
                    "fullName", "Birch Resident " + i)), 201).path("id").asLong());
        }
        expect(admin.post(b, "/api/residents/" + willowResidents.get(0) + "/family", json("userId",
                userId("family"), "relationship", "daughter")), 201);
        for (long resident : willowResidents) {
            JsonNode device = expect(admin.post(c, "/api/devices", json("facilityId", willow, "residentId", resident,
                    "name", "Tablet of " + resident)), 201);
            deviceCredentials.put(resident, device.path("credential").asText());
            deviceIds.put(resident, device.path("device").path("id").asLong());
        }

        // Organisation B, created in the database (set-up is closed), its admin with the same password hash.
        userIds.put("bAdmin", Fixtures.organisationWithAdmin(db(), "Oak House", "admin@oak.example", "Oak Admin",
                userId("admin")));
        CareClient bAdmin = CareClient.signIn(c, "admin@oak.example", PASSWORD);
        users.put("bAdmin", bAdmin);
        userIds.put("bManager", expect(bAdmin.post(a, "/api/users", json("email", "manager@oak.example",
                "displayName", "Oak Manager", "role", "care_manager", "password", PASSWORD)), 201).path("id").asLong());
        oakWard = expect(bAdmin.post(b, "/api/facilities", json("name", "Oak Ward")), 201).path("id").asLong();
        expect(bAdmin.send(c, "PUT", "/api/facilities/" + oakWard + "/staff/" + userId("bManager"), null), 204);
        oakResident = expect(bAdmin.post(a, "/api/residents", json("facilityId", oakWard, "fullName", "Oak Resident")),
                201).path("id").asLong();

        int n = 0;
        for (String name : List.of("director", "manager", "staff", "manager2", "staff2", "family", "admin2")) {
            users.put(name, CareClient.signIn(instance(n++), name + "@rose.example", PASSWORD));
        }
        users.put("bManager", CareClient.signIn(instance(n), "manager@oak.example", PASSWORD));
    }
}
