package org.grace.webapp.it.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.grace.testsupport.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
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

    /** Clicks the element, finding it again if the page redrew it meanwhile (live updates redraw lists). */
    void click(By by) {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    d.findElement(by).click();
                    return true;
                });
    }

    /** Waits until {@code condition} holds for the page (true or not null) and returns its value. */
    <V> V until(Duration timeout, Function<WebDriver, V> condition) {
        return new WebDriverWait(driver, timeout).until(condition);
    }

    void awaitGone(By by, Duration timeout) {
        new WebDriverWait(driver, timeout).until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    void awaitHeading(String text) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), text));
    }

    void type(String id, String text) {
        WebElement input = await(By.id(id));
        input.clear();
        input.sendKeys(text);
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

    /** Whether the page is wider than the window (a horizontal scroll bar). */
    boolean scrollsSideways() {
        return (Boolean) script("return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
    }
}
