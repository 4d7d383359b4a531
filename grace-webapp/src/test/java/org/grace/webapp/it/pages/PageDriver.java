package org.grace.webapp.it.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.Set;
import org.grace.testsupport.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One person at the staff page in one Chromium window: what the browser tests do with it, in the page's words. */
final class PageDriver {
    final Chromium.Window window;
    final ChromeDriver driver;
    final String baseUrl;

    PageDriver(Chromium.Window window, String baseUrl) {
        this.window = window;
        this.driver = window.driver();
        this.baseUrl = baseUrl;
    }

    PageDriver open(String hash) {
        driver.get(baseUrl + "/" + hash);
        return this;
    }

    WebElement await(By by) {
        return await(by, Duration.ofSeconds(15));
    }

    WebElement await(By by, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * The visible element's text, found again if a live redraw replaced it between finding and reading (a full run
     * once failed with a stale element reading the resident page's reminders).
     */
    String textOf(By by) {
        await(by);
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(by).getText());
    }

    /** Clicks the element, finding it again if the page redrew it meanwhile (live updates redraw lists). */
    void click(By by) {
        actOn(by, WebElement::click);
    }

    /**
     * Does {@code action} on the element, from the start on the element found again while a live redraw has replaced
     * it or made it briefly not interactable (for up to 10 s).
     */
    private void actOn(By by, Consumer<WebElement> action) {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.ElementNotInteractableException.class)
                .until(d -> {
                    action.accept(d.findElement(by));
                    return true;
                });
    }

    /** Waits until {@code condition} holds for the page (true or not null) and returns its value. */
    <V> V until(Duration timeout, Function<WebDriver, V> condition) {
        return new WebDriverWait(driver, timeout).until(condition);
    }

    /**
     * Waits up to 30 s for the condition (a page redrawn meanwhile is looked at again): adding a user hashes a
     * password, which took over 15 s on this 2-core machine at load average 50.
     */
    void until(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(condition);
    }

    void awaitGone(By by, Duration timeout) {
        new WebDriverWait(driver, timeout).until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    void awaitHeading(String text) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), text));
    }

    /** Types into the field, again from the start if a live redraw replaced it meanwhile. */
    void type(String id, String text) {
        await(By.id(id));
        actOn(By.id(id), input -> {
            input.clear();
            input.sendKeys(text);
        });
    }

    /** Chooses the option of this value in the select list (again if a live redraw replaced the list). */
    void choose(String id, String value) {
        await(By.id(id));
        actOn(By.id(id), list -> new Select(list).selectByValue(value));
    }

    /** Signs in through the form (the page must show it) and waits for the signed-in header. */
    void signIn(String email, String password) {
        awaitHeading("Sign in");
        type("email", email);
        type("password", password);
        driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
        await(By.id("signout"));
    }

    void signOut() {
        driver.findElement(By.id("signout")).click();
        awaitHeading("Sign in");
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    String liveStatus() {
        return driver.findElement(By.id("live-status")).getText();
    }

    /**
     * The console lines that show a broken page: any Content-Security-Policy violation, and any error other than
     * a refused request (a 401 before sign-in, the live stream refused while it is unavailable), which the page
     * handles.
     */
    List<String> consoleProblems() {
        return window.consoleSinceLastCall().stream()
                .filter(line -> line.contains("Content Security Policy") || line.contains("Content-Security-Policy")
                        || (line.startsWith("SEVERE") && !line.contains("Failed to load resource")
                        && !line.contains("/api/notifications/stream")))
                .toList();
    }

    void assertCleanConsole() {
        assertThat(consoleProblems()).as("console errors or CSP violations").isEmpty();
    }

    /** The end of a visit: the console must be clean ({@link #assertCleanConsole()}); then the window closes. */
    void closeClean() {
        assertCleanConsole();
        window.close();
    }

    /** Accepts the browser's confirmation dialog ("Discharge ...?"), waiting for it to open. */
    void confirm() {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept();
    }

    /**
     * The serious and critical WCAG 2.1 A/AA violations axe-core finds in the page as it is now (colour contrast
     * included), one line per rule: its id, what it means and the first elements it names.
     */
    List<String> seriousAccessibilityViolations() {
        List<Rule> violations = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze(driver).getViolations();
        return violations.stream().filter(r -> Set.of("serious", "critical").contains(r.getImpact()))
                .map(r -> r.getId() + " (" + r.getImpact() + "): " + r.getHelp() + " at " + r.getNodes().stream()
                        .limit(3).map(n -> String.valueOf(n.getTarget()) + " " + n.getFailureSummary()).toList())
                .toList();
    }

    /**
     * Whether the page can be scrolled sideways: it tries, then scrolls back. Unlike comparing widths, this holds
     * whatever the zoom's units are (CSS {@code zoom} on the root, device metrics).
     */
    boolean canScrollSideways() {
        return (Boolean) script("window.scrollTo(100000, window.scrollY); var moved = window.scrollX > 0;"
                + "window.scrollTo(0, window.scrollY); return moved;");
    }

    /** The innermost elements whose right edge is past the window's, for a failing zoom check's message. */
    String widerThanWindow() {
        return String.valueOf(script("var w = document.documentElement.clientWidth, out = [];"
                + "document.querySelectorAll('body *').forEach(function (e) {"
                + "  var r = e.getBoundingClientRect();"
                + "  if (r.right > w + 1 && !Array.prototype.some.call(e.children, function (c) {"
                + "      return c.getBoundingClientRect().right > w + 1; })) {"
                + "    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')"
                + "      + ' right=' + Math.round(r.right) + ' in ' + (e.parentElement.id || e.parentElement.className));"
                + "  }"
                + "}); return out.slice(0, 8).join('; ') + ' (window ' + w + ')';"));
    }

    /** Zooms the page by CSS {@code zoom} on its root element, as the browser's zoom would (1 is none). */
    void cssZoom(double factor) {
        script("document.documentElement.style.zoom = arguments[0];", String.valueOf(factor));
    }

    /** Whether the page is wider than the window (a horizontal scroll bar). */
    boolean scrollsSideways() {
        return (Boolean) script("return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
    }
}
