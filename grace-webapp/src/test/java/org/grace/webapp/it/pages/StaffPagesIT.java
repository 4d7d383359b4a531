package org.grace.webapp.it.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.Fixtures.CRITICAL_TRANSCRIPT;
import static org.grace.webapp.it.Fixtures.PASSWORD;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.grace.testsupport.Chromium;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.TestCertificates;
import org.grace.testsupport.WithChromium;
import org.grace.testsupport.WithNginx;
import org.grace.webapp.incidents.detection.IncidentDetector;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.GraceProcess;
import org.grace.webapp.it.WithGrace;
import org.grace.webapp.it.care.CareClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The staff and family pages in a real browser (headless Debian Chromium) against a real Payara Micro instance:
 * first-administrator set-up and sign-in through the page, a critical incident on the dashboard with its banner
 * until acknowledged, the resident and incident pages, the family view limited to the family's resident, the
 * administration closed to care staff, a phone-sized window, a console free of errors and CSP violations, and a
 * session that survives a reload through HTTPS at the load balancer (and, over plain HTTP there, does not).
 * The tests run in order: the first one sets up the organisation through the page, the second seeds it over the API.
 * Screenshots of the dashboard with a critical alert, the resident page and the family view go to target/screenshots/.
 */
@WithGrace
@WithChromium
@WithNginx
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaffPagesIT {
    static GraceProcess instance;
    static CareClient admin;
    static CareClient staff;
    static long facility;
    static long rose;
    static long arthur;
    static long criticalIncident;

    @BeforeAll
    static void boot(GraceFleet fleet) {
        instance = fleet.start("pages", Map.of("GRACE_RATELIMIT_LOGIN_PER_MINUTE", "1000",
                "GRACE_RATELIMIT_API_PER_MINUTE", "100000"));
    }

    /** A new window on the page at {@code hash}, signed in through the form as {@code email}. */
    private static PageDriver signedIn(Chromium chromium, String hash, String email) {
        PageDriver page = new PageDriver(chromium.open(), instance.baseUrl()).open(hash);
        page.signIn(email, PASSWORD);
        return page;
    }

    @Test
    @Order(1)
    void theFirstAdministratorSetsUpGraceAndSignsInThroughThePage(Chromium chromium) {
        try (Chromium.Window window = chromium.open()) {
            PageDriver p = new PageDriver(window, instance.baseUrl()).open("");
            p.awaitHeading("Set up Grace");
            p.type("organizationName", "Rose Court");
            p.type("displayName", "Ada Admin");
            p.type("setup-email", "admin@rose.example");
            p.type("setup-password", "too short");
            p.driver.findElement(By.cssSelector("#setup-form button[type=submit]")).click();
            assertThat(p.textOf(By.id("setup-password-error"))).as("the API's field error, by its field")
                    .isNotBlank();
            assertThat(p.driver.findElement(By.id("setup-password")).getAttribute("aria-invalid")).isEqualTo("true");

            p.type("setup-password", PASSWORD);
            p.driver.findElement(By.cssSelector("#setup-form button[type=submit]")).click();
            p.awaitHeading("Dashboard");
            assertThat(p.textOf(By.id("no-open"))).contains("No open incidents");
            assertThat(p.driver.findElement(By.id("who")).getText()).contains("Ada Admin");
            assertThat(p.driver.findElement(By.linkText("Administration")).isDisplayed()).isTrue();

            p.signOut();
            p.type("email", "admin@rose.example");
            p.type("password", "not the password at all");
            p.driver.findElement(By.id("password")).sendKeys(Keys.ENTER);     // the keyboard submits the form
            p.until(Duration.ofSeconds(10), d -> !d.findElement(By.id("message")).getText().isBlank());
            assertThat(p.driver.findElement(By.id("message")).getText()).containsIgnoringCase("wrong");

            p.type("password", PASSWORD);
            p.driver.findElement(By.id("password")).sendKeys(Keys.ENTER);
            p.awaitHeading("Dashboard");
            // A reload keeps the session (cookies) and the set-up stays closed.
            p.driver.navigate().refresh();
            p.awaitHeading("Dashboard");
            p.assertCleanConsole();
        }
        JsonNode setup = GraceProcess.json(instance.get("/api/setup"));
        assertThat(setup.path("open").asBoolean()).isFalse();
    }

    @Test
    @Order(2)
    void seedTheOrganisationOverTheApi() {
        admin = CareClient.signIn(instance, "admin@rose.example", PASSWORD);
        facility = expect(admin.post(instance, "/api/facilities", json("name", "Willow Wing",
                "timeZone", "Europe/London", "address", "1 Garden Lane")), 201).path("id").asLong();
        for (String[] u : new String[][] {{"manager", "care_manager", "Maya Manager"},
                {"staff", "care_staff", "Sam Staff"}, {"family", "family", "Fay Family"}}) {
            long id = expect(admin.post(instance, "/api/users", json("email", u[0] + "@rose.example",
                    "displayName", u[2], "role", u[1], "password", PASSWORD)), 201).path("id").asLong();
            if (!u[1].equals("family")) {
                expect(admin.send(instance, "PUT", "/api/facilities/" + facility + "/staff/" + id, null), 204);
            } else {
                rose = expect(admin.post(instance, "/api/residents", json("facilityId", facility,
                        "fullName", "Rose Turner", "preferredName", "Rosie", "room", "W12",
                        "dateOfBirth", "1938-05-04", "notes", "Likes the garden; hard of hearing on the left")),
                        201).path("id").asLong();
                arthur = expect(admin.post(instance, "/api/residents", json("facilityId", facility,
                        "fullName", "Arthur Blake", "room", "W14")), 201).path("id").asLong();
                expect(admin.post(instance, "/api/residents/" + rose + "/family", json("userId", id,
                        "relationship", "daughter")), 201);
            }
        }
        expect(admin.post(instance, "/api/residents/" + rose + "/reminders", json("kind", "medication",
                "text", "Blood pressure tablet with breakfast", "schedule", Map.of("times", List.of("08:00")),
                "assignedRole", "care_staff")), 201);
        staff = CareClient.signIn(instance, "staff@rose.example", PASSWORD);
        expect(staff.post(instance, "/api/residents/" + rose + "/interactions", json("text",
                "resident: We had a lovely cup of tea and talked about the garden", "location", "lounge")), 202);
    }

    @Test
    @Order(3)
    void aCriticalIncidentShowsOnTheDashboardWithABannerUntilAcknowledged(Chromium chromium) throws Exception {
        assertThat(IncidentDetector.withBundledRules().detect(CRITICAL_TRANSCRIPT).severity().wireName())
                .isEqualTo("critical");
        PageDriver manager = signedIn(chromium, "", "manager@rose.example");
        manager.awaitHeading("Dashboard");
        manager.await(By.id("no-open"));

        expect(staff.post(instance, "/api/residents/" + rose + "/interactions", json("text", CRITICAL_TRANSCRIPT,
                "location", "room W12")), 202);
        // Live over the stream, or (while the stream is unavailable) within the page's 15 s poll.
        long posted = System.nanoTime();
        manager.await(By.cssSelector("#banner li[data-banner-incident]"), Duration.ofSeconds(25));
        System.out.printf("StaffPagesIT: critical banner shown %d ms after the transcript's POST (%s)%n",
                (System.nanoTime() - posted) / 1_000_000, manager.liveStatus());
        // Read through the page: the banner is redrawn as events arrive, so a kept element can go stale.
        criticalIncident = Long.parseLong((String) manager.script("return document.querySelector("
                + "'#banner li[data-banner-incident]').getAttribute('data-banner-incident');"));
        assertThat((String) manager.script("return document.getElementById('banner').textContent;"))
                .contains("Rosie", "can't breathe");
        manager.await(By.cssSelector("li.incident.urgent[data-incident='" + criticalIncident + "']"));
        manager.until(Duration.ofSeconds(20), d ->
                d.findElement(By.cssSelector("[data-count='critical-unacknowledged'] .n")).getText().equals("1"));
        assertThat(manager.driver.findElement(By.cssSelector("[data-count='critical-unacknowledged']"))
                .getAttribute("class")).contains("alarm");
        manager.until(Duration.ofSeconds(20), d -> !d.findElement(By.id("unread")).getText().equals("0"));
        assertThat(manager.driver.findElement(By.id("announce")).getAttribute("aria-live")).isEqualTo("assertive");
        Path shot = manager.window.screenshot("dashboard-critical-alert");
        System.out.println("StaffPagesIT: screenshot " + shot.toAbsolutePath());

        // The bell lists it with one-click acknowledge.
        manager.driver.findElement(By.id("bell")).click();
        manager.await(By.cssSelector("#notification-list button[data-ack-incident='" + criticalIncident + "']"));
        manager.click(By.cssSelector("#notification-list button[data-ack-incident='" + criticalIncident + "']"));
        manager.awaitGone(By.id("banner"), Duration.ofSeconds(10));
        manager.until(Duration.ofSeconds(10), d ->
                d.findElement(By.cssSelector("[data-count='critical-unacknowledged'] .n")).getText().equals("0"));
        JsonNode incident = expect(admin.get(instance, "/api/incidents/" + criticalIncident), 200).path("incident");
        assertThat(incident.path("status").asText()).isEqualTo("acknowledged");
        assertThat(incident.path("acknowledgedByName").asText()).isEqualTo("Maya Manager");
        manager.closeClean();
    }

    @Test
    @Order(4)
    void theResidentPageAndTheIncidentPageWithItsAuditTrailAndResolve(Chromium chromium) {
        PageDriver manager = signedIn(chromium, "#/residents", "manager@rose.example");
        manager.awaitHeading("Residents");
        manager.await(By.linkText("Rose Turner")).click();
        manager.awaitHeading("Rose Turner");
        assertThat(manager.textOf(By.id("profile"))).contains("Rosie", "W12", "Willow Wing", "1938-05-04");
        assertThat(manager.textOf(By.id("reminders"))).contains("Blood pressure tablet");
        assertThat(manager.textOf(By.id("interactions"))).contains("cup of tea", "can't breathe");
        assertThat(manager.textOf(By.id("resident-incidents"))).contains("acknowledged");
        manager.window.screenshot("resident-page");

        manager.driver.findElement(By.cssSelector("#resident-incidents li[data-incident='" + criticalIncident
                + "'] a")).click();
        manager.awaitHeading("Incident: Rosie");
        String trail = manager.textOf(By.id("trail"));
        assertThat(trail).containsIgnoringCase("acknowledg").contains("Maya Manager");
        manager.type("note", "Paramedics checked her; breathing normal, GP informed");
        manager.driver.findElement(By.cssSelector("#resolve-form button[type=submit]")).click();
        manager.until(Duration.ofSeconds(10), d ->
                d.findElement(By.id("incident-status")).getText().equals("resolved"));
        assertThat(manager.textOf(By.id("trail"))).contains("Paramedics checked her");
        manager.closeClean();
    }

    @Test
    @Order(5)
    void aFamilyMemberSeesOnlyTheirResident(Chromium chromium) {
        PageDriver family = signedIn(chromium, "", "family@rose.example");
        family.awaitHeading("My family");
        family.until(Duration.ofSeconds(10), d ->
                !d.findElements(By.cssSelector("main section[data-resident]")).isEmpty());
        List<WebElement> cards = family.driver.findElements(By.cssSelector("main section[data-resident]"));
        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).getAttribute("data-resident")).isEqualTo(Long.toString(rose));
        String shown = family.driver.findElement(By.id("view")).getText();
        assertThat(shown).contains("Rose Turner", "W12").doesNotContain("Arthur").doesNotContain("hard of hearing");
        assertThat(family.driver.findElement(By.linkText("My family")).isDisplayed()).isTrue();
        assertThat(family.driver.findElements(By.linkText("Residents")).stream().filter(WebElement::isDisplayed))
                .isEmpty();
        assertThat(family.driver.findElements(By.linkText("Administration")).stream().filter(WebElement::isDisplayed))
                .isEmpty();
        family.window.screenshot("family-view");

        // Another resident's page is not theirs to see: the API answers 404, the page says so.
        family.open("#/residents/" + arthur);
        family.until(Duration.ofSeconds(10), d ->
                d.findElement(By.id("message")).getText().contains("no such resident"));
        assertThat(family.driver.findElement(By.id("view")).getText()).doesNotContain("Arthur");
        family.closeClean();
    }

    @Test
    @Order(6)
    void careStaffCannotOpenTheAdministrationAndTheAdministratorCan(Chromium chromium) {
        PageDriver staffPage = signedIn(chromium, "#/admin", "staff@rose.example");
        staffPage.await(By.id("not-allowed"));
        assertThat(staffPage.driver.findElements(By.id("users"))).isEmpty();
        assertThat(staffPage.driver.findElements(By.linkText("Administration")).stream()
                .filter(WebElement::isDisplayed)).isEmpty();
        staffPage.closeClean();

        PageDriver adminPage = signedIn(chromium, "#/admin", "admin@rose.example");
        adminPage.awaitHeading("Administration");
        assertThat(adminPage.textOf(By.id("users"))).contains("Sam Staff", "Fay Family", "care staff");
        adminPage.type("f-name", "Birch Wing");
        adminPage.type("f-tz", "Europe/London");
        adminPage.driver.findElement(By.cssSelector("#facility-form button[type=submit]")).click();
        adminPage.until(Duration.ofSeconds(10), d ->
                d.findElement(By.id("facilities")).getText().contains("Birch Wing"));
        adminPage.closeClean();
    }

    @Test
    @Order(7)
    void onAPhoneSizedScreenAndAt200PercentZoomNothingScrollsSideways(Chromium chromium) {
        PageDriver phone = new PageDriver(chromium.open(390, 844), instance.baseUrl()).open("");
        phone.signIn("manager@rose.example", PASSWORD);
        phone.awaitHeading("Dashboard");
        phone.await(By.id("counts"));
        assertThat(phone.scrollsSideways()).as("dashboard wider than a phone").isFalse();
        assertThat(phone.driver.findElement(By.id("bell")).isDisplayed()).isTrue();
        phone.window.screenshot("phone-dashboard");
        phone.open("#/residents/" + rose);
        phone.awaitHeading("Rose Turner");
        phone.await(By.id("profile"));
        assertThat(phone.scrollsSideways()).as("resident page wider than a phone").isFalse();
        phone.open("#/incidents/" + criticalIncident);
        phone.awaitHeading("Incident");
        phone.await(By.id("trail"));
        assertThat(phone.scrollsSideways()).as("incident page wider than a phone").isFalse();
        assertThat((Long) phone.script("return window.innerWidth;")).isEqualTo(390L);

        // 200 % zoom of a 1280 x 900 screen: 640 x 450 CSS pixels; every page still fits its width.
        phone.window.viewport(640, 450, 2);
        for (String hash : List.of("", "#/residents", "#/residents/" + rose, "#/incidents/" + criticalIncident)) {
            phone.open(hash);
            phone.await(By.cssSelector("main h1"));
            phone.await(By.cssSelector("main .card, main .counts, main table"));
            assertThat(phone.scrollsSideways()).as(hash + " at 200 percent zoom").isFalse();
        }
        // The same at CSS zoom 2 on a 1280 x 900 window, as the browser's own zoom lays it out.
        phone.window.viewport(1280, 900, 1);
        for (String hash : List.of("", "#/residents", "#/residents/" + rose, "#/incidents/" + criticalIncident)) {
            phone.open(hash);
            phone.await(By.cssSelector("main .card, main .counts, main table"));
            phone.cssZoom(2);
            assertThat(phone.canScrollSideways()).as(hash + " at CSS zoom 2").isFalse();
        }
        phone.closeClean();
    }

    @Test
    @Order(8)
    void theAdministratorManagesUsersStaffResidentsFamilyAndDevicesThroughThePage(Chromium chromium) {
        PageDriver page = signedIn(chromium, "#/admin", "admin@rose.example");
        page.awaitHeading("Administration");
        page.await(By.id("users"));

        // A new user, then a role change and staff membership, each through the page and read back over the API.
        page.type("u-name", "Nina Nurse");
        page.type("u-email", "nina@rose.example");
        page.choose("u-role", "care_staff");
        page.type("u-password", PASSWORD);
        page.driver.findElement(By.cssSelector("#user-form button[type=submit]")).click();
        page.until(d -> d.findElement(By.id("users")).getText().contains("Nina Nurse"));
        long nina = userId("nina@rose.example");
        page.choose("role-" + nina, "care_manager");
        page.click(By.cssSelector("button[data-change-role='" + nina + "']"));
        page.until(d -> d.findElement(By.id("message")).getText().contains("now care manager"));
        assertThat(user(nina).path("role").asText()).isEqualTo("care_manager");

        page.choose("s-facility", Long.toString(facility));
        page.choose("s-user", Long.toString(nina));
        page.driver.findElement(By.cssSelector("#staff-form button[type=submit]")).click();
        page.await(By.cssSelector("li[data-facility='" + facility + "'] li[data-staff='" + nina + "']"));
        assertThat(staffOf(facility)).contains(nina);

        // Deactivated: sign-in refused (403 once the password is right) and the earlier sign-in cannot be renewed.
        JsonNode before = expect(new CareClient("anonymous", null).post(instance, "/api/auth/login",
                json("email", "nina@rose.example", "password", PASSWORD, "client", "api")), 200);
        page.click(By.cssSelector("button[data-deactivate='" + nina + "']"));
        page.confirm();
        page.await(By.cssSelector("tr[data-user='" + nina + "'] td[data-status='deactivated']"));
        assertThat(user(nina).path("deactivatedAt").isTextual()).isTrue();
        assertThat(login("nina@rose.example").statusCode()).isEqualTo(403);
        assertThat(new CareClient("anonymous", null).post(instance, "/api/auth/refresh",
                json("refreshToken", before.path("refreshToken").asText())).statusCode()).isEqualTo(401);
        assertThat(staff.send(instance, "POST", "/api/users/" + nina + "/reactivate", null).statusCode())
                .as("care staff may not reactivate").isEqualTo(403);
        long adminId = expect(admin.get(instance, "/api/auth/me"), 200).path("id").asLong();
        assertThat(admin.post(instance, "/api/users/" + adminId + "/deactivate", null).statusCode())
                .as("an administrator cannot deactivate themselves").isEqualTo(409);
        page.click(By.cssSelector("button[data-reactivate='" + nina + "']"));
        page.await(By.cssSelector("tr[data-user='" + nina + "'] td[data-status='active']"));
        assertThat(login("nina@rose.example").statusCode()).isEqualTo(200);
        page.click(By.cssSelector("button[data-remove-staff='" + facility + ":" + nina + "']"));
        page.awaitGone(By.cssSelector("li[data-staff='" + nina + "']"), Duration.ofSeconds(10));
        assertThat(staffOf(facility)).doesNotContain(nina);

        // A resident added, a field error shown by its field, a family link, then discharged.
        page.choose("r-facility", Long.toString(facility));
        page.type("r-room", "W20");
        page.script("document.getElementById('r-dob').value = '1936-02-11';");    // a date field: ISO value
        page.driver.findElement(By.cssSelector("#resident-form button[type=submit]")).click();
        assertThat(page.textOf(By.id("r-name-error"))).as("no name: the API's field error").isNotBlank();
        assertThat(page.driver.findElement(By.id("r-name")).getAttribute("aria-invalid")).isEqualTo("true");
        page.type("r-name", "Edith Moss");
        page.driver.findElement(By.cssSelector("#resident-form button[type=submit]")).click();
        page.until(d -> d.findElement(By.id("admin-residents")).getText().contains("Edith Moss"));
        long edith = expect(admin.get(instance, "/api/residents"), 200).findValues("id").stream()
                .map(JsonNode::asLong).filter(id -> id != rose && id != arthur).findFirst().orElseThrow();
        JsonNode edithNow = expect(admin.get(instance, "/api/residents/" + edith), 200);
        assertThat(edithNow.path("fullName").asText()).isEqualTo("Edith Moss");
        assertThat(edithNow.path("dateOfBirth").asText()).isEqualTo("1936-02-11");
        assertThat(edithNow.path("facilityId").asLong()).isEqualTo(facility);

        long fay = userId("family@rose.example");
        page.choose("l-resident", Long.toString(edith));
        page.choose("l-user", Long.toString(fay));
        page.type("l-relationship", "niece");
        page.driver.findElement(By.cssSelector("#family-form button[type=submit]")).click();
        page.until(d -> d.findElement(By.cssSelector("tr[data-resident='" + edith + "'] .family")).getText()
                .contains("Fay Family (niece)"));
        JsonNode links = expect(admin.get(instance, "/api/residents/" + edith + "/family"), 200);
        assertThat(links.findValuesAsText("relationship")).containsExactly("niece");
        assertThat(links.findValues("userId").stream().map(JsonNode::asLong)).containsExactly(fay);

        page.click(By.cssSelector("button[data-discharge='" + edith + "']"));
        page.confirm();
        page.awaitGone(By.cssSelector("button[data-discharge='" + edith + "']"), Duration.ofSeconds(10));
        assertThat(expect(admin.get(instance, "/api/residents/" + edith), 200).path("status").asText())
                .isEqualTo("discharged");

        // A companion device: its credential is shown once, works for its resident, and stops when revoked.
        page.choose("d-facility", Long.toString(facility));
        page.choose("d-resident", Long.toString(rose));
        page.type("d-name", "Rose's room tablet");
        page.driver.findElement(By.cssSelector("#device-form button[type=submit]")).click();
        String credential = page.textOf(By.id("credential"));
        JsonNode device = expect(admin.get(instance, "/api/devices"), 200).get(0);
        assertThat(device.path("name").asText()).isEqualTo("Rose's room tablet");
        assertThat(device.path("residentId").asLong()).isEqualTo(rose);
        assertThat(credential).startsWith(device.path("credentialHint").asText()).isNotEqualTo(
                device.path("credentialHint").asText());
        CareClient tablet = new CareClient("tablet", credential);
        expect(tablet.post(instance, "/api/residents/" + rose + "/interactions", json("text",
                "resident: The garden looks lovely today")), 202);
        page.window.viewport(1280, 1100, 1);
        page.window.screenshot("admin-page");
        page.click(By.cssSelector("button[data-revoke='" + device.path("id").asLong() + "']"));
        page.confirm();
        page.awaitGone(By.id("credential"), Duration.ofSeconds(10));
        assertThat(expect(admin.get(instance, "/api/devices"), 200).get(0).path("revokedAt").isTextual()).isTrue();
        assertThat(tablet.post(instance, "/api/residents/" + rose + "/interactions", json("text", "Hello"))
                .statusCode()).isEqualTo(401);
        assertThat(page.driver.getPageSource()).as("the credential is not shown again").doesNotContain(credential);

        // 200 % zoom: device metrics (640 x 450 CSS pixels at scale 2), then CSS zoom of a 1280 pixel window.
        page.window.viewport(640, 450, 2);
        page.open("#/admin");
        page.await(By.id("users"));
        assertThat(page.canScrollSideways()).as("administration at 200 percent (device metrics), wider than the window: "
                + page.widerThanWindow()).isFalse();
        page.window.viewport(1280, 900, 1);
        page.cssZoom(2);
        assertThat(page.canScrollSideways()).as("administration at CSS zoom 2, wider than the window: "
                + page.widerThanWindow()).isFalse();
        page.assertCleanConsole();
        page.window.close();
    }

    @Test
    @Order(9)
    void aManagerAddsChangesAndDeletesAResidentsRemindersOnTheResidentPage(Chromium chromium) {
        PageDriver page = signedIn(chromium, "#/residents/" + arthur, "manager@rose.example");
        page.awaitHeading("Arthur Blake");
        page.await(By.id("reminder-form"));
        page.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live"));
        page.choose("rm-kind", "hydration");
        page.type("rm-text", "Offer a glass of water");
        page.type("rm-schedule", "10:00, 25:00");
        page.click(By.cssSelector("#reminder-form button[type=submit]"));
        assertThat(page.textOf(By.id("rm-schedule-error"))).as("the API's error for times[1]")
                .contains("25:00");
        page.type("rm-schedule", "10:00, 15:00");
        page.type("rm-weekdays", "mon, thu");
        assertThat(page.driver.findElement(By.id("rm-kind")).getAttribute("value"))
                .as("the kind chosen, kept through the refused save").isEqualTo("hydration");
        page.click(By.cssSelector("#reminder-form button[type=submit]"));
        page.await(By.cssSelector("#reminders li[data-reminder]"));
        JsonNode added = null;
        for (JsonNode r : expect(admin.get(instance, "/api/residents/" + arthur + "/reminders"), 200)) {
            if ("Offer a glass of water".equals(r.path("text").asText())) {
                added = r;
            }
        }
        assertThat(added).as("the reminder added through the page").isNotNull();
        assertThat(added.path("kind").asText()).isEqualTo("hydration");
        assertThat(added.path("schedule").toString()).contains("10:00", "15:00", "MON", "THU");
        assertThat(added.path("assignedRole").asText()).isEqualTo("care_staff");
        long id = added.path("id").asLong();

        page.click(By.cssSelector("button[data-edit-reminder='" + id + "']"));
        assertThat(page.await(By.id("rm-text")).getAttribute("value")).isEqualTo("Offer a glass of water");
        page.type("rm-text", "Offer a glass of water or squash");
        page.type("rm-weekdays", "");
        page.driver.findElement(By.id("rm-weekdays")).sendKeys(Keys.ENTER);    // the keyboard saves
        page.until(d -> d.findElement(By.id("reminders")).getText().contains("or squash"));
        JsonNode changed = expect(admin.get(instance, "/api/residents/" + arthur + "/reminders/" + id), 200);
        assertThat(changed.path("text").asText()).isEqualTo("Offer a glass of water or squash");
        assertThat(changed.path("schedule").path("weekdays").size()).as("every day again").isIn(0, 7);

        page.click(By.cssSelector("button[data-delete-reminder='" + id + "']"));
        page.confirm();
        page.awaitGone(By.cssSelector("#reminders li[data-reminder='" + id + "']"), Duration.ofSeconds(10));
        assertThat(admin.get(instance, "/api/residents/" + arthur + "/reminders/" + id).statusCode()).isEqualTo(404);
        page.assertCleanConsole();
        page.window.close();
    }

    @Test
    @Order(10)
    void axeFindsNoSeriousOrCriticalAccessibilityProblemOnTheMainPages(Chromium chromium) {
        Map<String, List<String>> found = new java.util.LinkedHashMap<>();
        PageDriver manager = signedIn(chromium, "", "manager@rose.example");
        manager.awaitHeading("Dashboard");
        manager.await(By.id("counts"));
        found.put("dashboard", manager.seriousAccessibilityViolations());
        manager.open("#/residents/" + rose);
        manager.awaitHeading("Rose Turner");
        manager.await(By.id("reminder-form"));
        found.put("resident", manager.seriousAccessibilityViolations());
        manager.open("#/incidents/" + criticalIncident);
        manager.await(By.id("trail"));
        found.put("incident", manager.seriousAccessibilityViolations());
        manager.driver.findElement(By.id("bell")).click();
        manager.await(By.id("notification-list"));
        found.put("notifications", manager.seriousAccessibilityViolations());
        manager.window.close();

        PageDriver adminPage = signedIn(chromium, "#/admin", "admin@rose.example");
        adminPage.await(By.id("users"));
        found.put("administration", adminPage.seriousAccessibilityViolations());
        adminPage.window.close();

        PageDriver family = signedIn(chromium, "", "family@rose.example");
        family.await(By.cssSelector("main section[data-resident]"));
        found.put("family", family.seriousAccessibilityViolations());
        family.signOut();
        found.put("sign-in", family.seriousAccessibilityViolations());
        // The check can fail: faint grey text added to the page is a contrast violation axe reports.
        family.script("var p = document.createElement('p'); p.textContent = 'Faint text'; p.style.color = '#bbbbbb';"
                + "document.getElementById('view').appendChild(p);");
        assertThat(family.seriousAccessibilityViolations()).as("axe on a page with a contrast problem")
                .anyMatch(v -> v.startsWith("color-contrast"));
        family.window.close();
        System.out.println("StaffPagesIT: axe-core serious/critical violations per page " + found);
        assertThat(found).allSatisfy((name, violations) -> assertThat(violations).as(name).isEmpty());
    }

    private static HttpResponse<String> login(String email) {
        return new CareClient("anonymous", null).post(instance, "/api/auth/login",
                json("email", email, "password", PASSWORD, "client", "api"));
    }

    private static JsonNode user(long id) {
        return expect(admin.get(instance, "/api/users/" + id), 200);
    }

    private static long userId(String email) {
        for (JsonNode u : expect(admin.get(instance, "/api/users"), 200)) {
            if (u.path("email").asText().equals(email)) {
                return u.path("id").asLong();
            }
        }
        throw new AssertionError("no user " + email);
    }

    private static List<Long> staffOf(long facilityId) {
        List<Long> ids = new java.util.ArrayList<>();
        expect(admin.get(instance, "/api/facilities/" + facilityId + "/staff"), 200)
                .forEach(m -> ids.add(m.path("userId").asLong()));
        return ids;
    }

    @Test
    @Order(11)
    void throughHttpsAtTheLoadBalancerASignedInBrowserStaysSignedInAfterAReload(Chromium chromium,
                                                                             NginxLoadBalancers nginx) {
        // A host name that is not loopback to the browser: over plain HTTP it is not a secure context, so Chromium
        // refuses the Secure sign-in cookies there, as it would at a load balancer's real address.
        TestCertificates certificates = TestCertificates.create(ProjectLayout.scratch("pages-tls-"), "grace.test");
        int tlsPort = FreePorts.next();
        NginxLoadBalancer tls = nginx.start(List.of(instance.port()), Map.of(
                "grace_lb_tls_certificate", certificates.chain().toString(),
                "grace_lb_tls_certificate_key", certificates.key().toString(),
                "grace_lb_tls_listen", "127.0.0.1:" + tlsPort));
        NginxLoadBalancer plain = nginx.start(List.of(instance.port()));
        List<String> browser = List.of("--host-resolver-rules=MAP grace.test 127.0.0.1",
                "--ignore-certificate-errors-spki-list=" + certificates.serverKeyPin());

        // The defect this fixes, seen first: plain HTTP at a load balancer signs in and is signed out by a reload.
        try (Chromium.Window window = chromium.open(1280, 900, browser)) {
            PageDriver p = new PageDriver(window, "http://grace.test:" + plain.port()).open("");
            p.awaitHeading("Sign in");
            p.type("email", "admin@rose.example");
            p.type("password", PASSWORD);
            p.driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
            p.until(Duration.ofSeconds(15), d -> !d.findElements(By.id("signout")).isEmpty()
                    || !d.findElement(By.id("message")).getText().isBlank());
            p.driver.navigate().refresh();
            p.awaitHeading("Sign in");
            assertThat(p.driver.manage().getCookieNamed("grace_access")).as("no Secure cookie over plain HTTP")
                    .isNull();
        }

        // Through the TLS load balancer: its plain HTTP port sends the browser to HTTPS, verified with the test
        // certificate's key, where the Secure cookies are kept and a reload stays signed in.
        try (Chromium.Window window = chromium.open(1280, 900, browser)) {
            PageDriver p = new PageDriver(window, "http://grace.test:" + tls.port()).open("");
            p.awaitHeading("Sign in");
            assertThat(p.driver.getCurrentUrl()).isEqualTo("https://grace.test:" + tlsPort + "/");
            p.signIn("admin@rose.example", PASSWORD);
            p.awaitHeading("Dashboard");
            p.driver.navigate().refresh();
            p.awaitHeading("Dashboard");
            assertThat(p.driver.findElement(By.id("who")).getText()).contains("Ada Admin");
            org.openqa.selenium.Cookie access = p.driver.manage().getCookieNamed("grace_access");
            assertThat(access).as("the access cookie, kept over HTTPS").isNotNull();
            assertThat(access.isSecure()).isTrue();
            assertThat(access.isHttpOnly()).isTrue();
            p.assertCleanConsole();
        }
        System.out.printf("StaffPagesIT TLS: http://grace.test:%d -> https://grace.test:%d, signed in, reload kept"
                + " the session; plain HTTP at a load balancer lost it%n", tls.port(), tlsPort);
    }
}
