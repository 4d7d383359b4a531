package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.openqa.selenium.By;

/** What {@link ChromiumExtension} gives a test class, and what it leaves behind when a test fails. */
class ChromiumExtensionIT {
    static volatile List<String> console;
    static volatile String heading;
    static volatile Chromium.Window leftOpen;

    @Test
    void aWindowShowsAPageRecordsItsConsoleAndAFailedTestLeavesAScreenshot() throws Exception {
        Path shot = Chromium.SCREENSHOTS.resolve("UsesChromium.failsWithAWindowOpen-1.png");
        Files.deleteIfExists(shot);

        TestExecutionSummary summary = InnerRun.run(UsesChromium.class);

        assertThat(summary.getTestsSucceededCount()).as(InnerRun.failures(summary)).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(heading).isEqualTo("Hello from a file");
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("SEVERE").contains("deliberate"));
        assertThat(shot).as("the failed test's window, saved before it closed").exists();
        assertThat(Files.size(shot)).isGreaterThan(1000);
        assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');
        // The method ended: the window it left open is closed (WebDriver refuses a closed session).
        assertThat(leftOpen).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> leftOpen.driver().getTitle())
                .isInstanceOf(org.openqa.selenium.WebDriverException.class);
    }

    /** Run only by the test above (Failsafe does not pick up nested classes). */
    @WithChromium
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class UsesChromium {
        @Test
        void aOpensAPage(Chromium chromium) throws Exception {
            Path page = Files.createTempFile("grace-chromium-", ".html");
            Files.writeString(page, "<!DOCTYPE html><title>t</title><h1>Hello from a file</h1>"
                    + "<script>console.error('deliberate')</script>");
            try (Chromium.Window window = chromium.open(390, 844)) {
                window.driver().get(page.toUri().toString());
                heading = window.driver().findElement(By.tagName("h1")).getText();
                console = window.consoleSinceLastCall();
            } finally {
                Files.deleteIfExists(page);
            }
        }

        @Test
        void failsWithAWindowOpen(Chromium chromium) {
            leftOpen = chromium.open();
            leftOpen.driver().get("data:text/html,<h1>This test fails on purpose</h1>");
            throw new AssertionError("on purpose: the extension must save a screenshot");
        }
    }
}
