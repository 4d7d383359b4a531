package org.grace.webapp.it.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.Fixtures.CRITICAL_TRANSCRIPT;
import static org.grace.webapp.it.Fixtures.PASSWORD;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.grace.testsupport.Chromium;
import org.grace.testsupport.WithChromium;
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
 * administration closed to care staff, a phone-sized window, and a console free of errors and CSP violations.
 * The tests run in order: the first one sets up the organisation through the page, the second seeds it over the API.
 * Screenshots of the dashboard with a critical alert, the resident page and the family view go to target/screenshots/.
 */
@WithGrace
@WithChromium
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
            assertThat(p.await(By.id("setup-password-error")).getText()).as("the API's field error, by its field")
                    .isNotBlank();
            assertThat(p.driver.findElement(By.id("setup-password")).getAttribute("aria-invalid")).isEqualTo("true");

            p.type("setup-password", PASSWORD);
            p.driver.findElement(By.cssSelector("#setup-form button[type=submit]")).click();
            p.awaitHeading("Dashboard");
            assertThat(p.await(By.id("no-open")).getText()).contains("No open incidents");
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
        assertThat(manager.await(By.id("profile")).getText()).contains("Rosie", "W12", "Willow Wing", "1938-05-04");
        assertThat(manager.await(By.id("reminders")).getText()).contains("Blood pressure tablet");
        assertThat(manager.await(By.id("interactions")).getText()).contains("cup of tea", "can't breathe");
        assertThat(manager.await(By.id("resident-incidents")).getText()).contains("acknowledged");
        manager.window.screenshot("resident-page");

        manager.driver.findElement(By.cssSelector("#resident-incidents li[data-incident='" + criticalIncident
                + "'] a")).click();
        manager.awaitHeading("Incident: Rosie");
        String trail = manager.await(By.id("trail")).getText();
        assertThat(trail).containsIgnoringCase("acknowledg").contains("Maya Manager");
        manager.type("note", "Paramedics checked her; breathing normal, GP informed");
        manager.driver.findElement(By.cssSelector("#resolve-form button[type=submit]")).click();
        manager.until(Duration.ofSeconds(10), d ->
                d.findElement(By.id("incident-status")).getText().equals("resolved"));
        assertThat(manager.await(By.id("trail")).getText()).contains("Paramedics checked her");
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
        assertThat(adminPage.await(By.id("users")).getText()).contains("Sam Staff", "Fay Family", "care staff");
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
        phone.closeClean();
    }
}
