package org.grace.webapp.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.Fields;
import org.junit.jupiter.api.Test;

/**
 * The care areas' field checks and the account checks share one collector ({@code FieldErrors}): the same rules in
 * the same words, every error of a request in one 400.
 */
class ChecksTest {

    @Test
    void everyErrorOfARequestComesInOne400() {
        Checks checks = new Checks().text("name", " ", true, 10).text("room", "B-12345678901", false, 10)
                .oneOf("status", "gone", false, Set.of("active", "discharged")).required("facilityId", null);
        assertThat(checks.has("name")).isTrue();
        assertThat(checks.has("notes")).isFalse();
        assertThat(fieldsOf(checks::check)).isEqualTo(Map.of(
                "name", "is required",
                "room", "must have at most 10 characters",
                "status", "must be one of [active, discharged]",
                "facilityId", "is required"));
    }

    @Test
    void validInputPassesAndAbsentOptionalFieldsAreNotErrors() {
        Checks checks = new Checks().text("name", "Ada", true, 10).text("room", null, false, 10)
                .oneOf("status", null, false, Set.of("active"));
        checks.check();
        assertThat(checks.date("dateOfBirth", "1941-03-02")).isEqualTo(LocalDate.of(1941, 3, 2));
        assertThat(checks.instant("since", " 2026-11-30T10:15:00Z ")).isEqualTo(Instant.parse("2026-11-30T10:15:00Z"));
        assertThat(checks.id("facilityId", "42")).isEqualTo(42L);
        assertThat(checks.id("facilityId", "")).isNull();
        checks.check();
    }

    @Test
    void parsedFieldsRecordTheirErrorAndGiveNull() {
        Checks checks = new Checks();
        assertThat(checks.date("dateOfBirth", "2-3-1941")).isNull();
        assertThat(checks.date("dueOn", LocalDate.now().plusDays(2).toString())).isNotNull();
        assertThat(checks.instant("since", "yesterday")).isNull();
        assertThat(checks.id("residentId", "0")).isNull();
        assertThat(checks.id("facilityId", "x7")).isNull();
        checks.timeZone("timeZone", "Mars/Olympus");
        assertThat(fieldsOf(checks::check)).isEqualTo(Map.of(
                "dateOfBirth", "must be a date written YYYY-MM-DD",
                "dueOn", "must not be in the future",
                "since", "must be an ISO-8601 instant such as 2026-11-30T10:15:00Z",
                "residentId", "must be a positive whole number",
                "facilityId", "must be a positive whole number",
                "timeZone", "must be an IANA time zone such as Europe/London"));
    }

    @Test
    void pageSizeIsTheDefaultWhenAbsentAndBoundedByTheMaximum() {
        Checks checks = new Checks();
        assertThat(checks.pageSize(null, 200)).isEqualTo(Checks.DEFAULT_PAGE);
        assertThat(checks.pageSize(" ", 200)).isEqualTo(Checks.DEFAULT_PAGE);
        assertThat(checks.pageSize("200", 200)).isEqualTo(200);
        checks.check();
        assertThat(checks.pageSize("201", 200)).isEqualTo(Checks.DEFAULT_PAGE);
        assertThat(fieldsOf(checks::check)).isEqualTo(Map.of(
                "limit", "must be at most 200"));
        Checks zero = new Checks();
        zero.pageSize("0", 200);
        assertThat(fieldsOf(zero::check)).isEqualTo(Map.of(
                "limit", "must be a positive whole number"));
    }

    @Test
    void pathIdsThatNameNoRecordAre404() {
        assertThat(Checks.pathId("7", "resident")).isEqualTo(7);
        assertThatThrownBy(() -> Checks.pathId("-7", "resident")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(404)).hasMessage("no such resident");
    }

    @Test
    void accountFieldsUseTheSameRulesAndWords() {
        Fields fields = new Fields().email("email", "not-an-address").password("password", "short", 12)
                .text("displayName", null, true, 200).oneOf("role", "king", false, Set.of("family"));
        assertThat(fieldsOf(fields::check)).isEqualTo(Map.of(
                "email", "must be an e-mail address",
                "password", "must have at least 12 characters",
                "displayName", "is required",
                "role", "must be one of [family]"));
    }

    private static Map<String, String> fieldsOf(Runnable check) {
        try {
            check.run();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.fields();
        }
        throw new AssertionError("no 400");
    }
}
