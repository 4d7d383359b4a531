package org.grace.benchmarks.care;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.grace.benchmarks.GraceApi;

/**
 * The care data the benchmark posts for, made through the API as an operator would: organisation "Bench Court" by
 * {@code POST /api/setup} (its administrator), one facility with a director, a care manager and a care worker as
 * members, and {@code residents} residents, each with a companion device created for that resident.
 *
 * @param residentIds           the residents, in order
 * @param deviceCredentials     the device credential of each resident, same order
 * @param recipientsBySeverity  who an incident of each severity must notify (docs/care.md, "Who is told")
 *
 * <p>Public for the documents benchmark, which uploads to these residents as the care worker ({@link #accessToken}).
 */
public record CareData(List<Long> residentIds, List<String> deviceCredentials,
                       Map<String, Set<Long>> recipientsBySeverity) {
    Set<Long> recipients(String severity) {
        return recipientsBySeverity.getOrDefault(severity, Set.of());
    }

    public static CareData build(HttpClient http, String base, int residents) throws Exception {
        GraceApi anonymous = new GraceApi(http, base, null);
        long admin = anonymous.call("POST", "/api/setup", Map.of("organizationName", "Bench Court", "email",
                "admin@bench.example", "displayName", "Bench Admin", "password",
                CareIngestionBenchmark.PASSWORD), 201).path("user").path("id").asLong();
        GraceApi asAdmin = anonymous.as(anonymous.call("POST", "/api/auth/login", Map.of("email",
                "admin@bench.example", "password", CareIngestionBenchmark.PASSWORD, "client", "api"), 200)
                .path("accessToken").asText());
        long facility = asAdmin.call("POST", "/api/facilities", Map.of("name", "Bench Wing", "timeZone",
                "Europe/London"), 201).path("id").asLong();
        Map<String, Long> staff = new LinkedHashMap<>();
        for (String role : List.of("facility_director", "care_manager", "care_staff")) {
            long id = asAdmin.call("POST", "/api/users", Map.of("email", role + "@bench.example", "displayName",
                    "Bench " + role, "role", role, "password", CareIngestionBenchmark.PASSWORD), 201)
                    .path("id").asLong();
            asAdmin.call("PUT", "/api/facilities/" + facility + "/staff/" + id, null, 204);
            staff.put(role, id);
        }
        List<Long> residentIds = new ArrayList<>();
        List<String> credentials = new ArrayList<>();
        for (int i = 0; i < residents; i++) {
            long resident = asAdmin.call("POST", "/api/residents", Map.of("facilityId", facility, "fullName",
                    "Bench Resident " + i, "room", "B" + (100 + i)), 201).path("id").asLong();
            JsonNode device = asAdmin.call("POST", "/api/devices", Map.of("facilityId", facility, "residentId",
                    resident, "name", "Tablet B" + (100 + i)), 201);
            residentIds.add(resident);
            credentials.add(device.path("credential").asText());
        }
        Set<Long> medium = new TreeSet<>(List.of(staff.get("facility_director"), staff.get("care_manager")));
        Set<Long> high = new TreeSet<>(medium);
        high.add(admin);
        Set<Long> critical = new TreeSet<>(high);
        critical.add(staff.get("care_staff"));
        System.out.printf("care data: facility %d, %d residents with a device each, staff %s, admin %d%n", facility,
                residents, staff, admin);
        return new CareData(List.copyOf(residentIds), List.copyOf(credentials),
                Map.of("low", Set.of(), "medium", medium, "high", high, "critical", critical));
    }

    /**
     * An access token (client {@code api}) of the member of staff made by {@link #build} with this role:
     * {@code facility_director}, {@code care_manager} or {@code care_staff}.
     */
    public static String accessToken(HttpClient http, String base, String role) throws Exception {
        return new GraceApi(http, base, null).call("POST", "/api/auth/login", Map.of("email", role + "@bench.example",
                "password", CareIngestionBenchmark.PASSWORD, "client", "api"), 200).path("accessToken").asText();
    }
}
