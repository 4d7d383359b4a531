package org.grace.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens headless Chromium windows and closes them. Each window is its own browser process with a fresh profile
 * (its own cookies), started as root with the flags this machine needs: no sandbox, no GPU, and none of Chrome's
 * own background traffic (updates, sync, field trials), whose connections the closed network refuses. The driver
 * is the system {@code chromedriver}, named explicitly, so Selenium never tries to download one. The browser's
 * console is recorded ({@code goog:loggingPrefs}), so a test can check that a page logged no error and no
 * Content-Security-Policy violation.
 */
public final class Chromium implements AutoCloseable {
    public static final String CHROMIUM_PACKAGE = "chromium";
    public static final String DRIVER_PACKAGE = "chromium-driver";
    /** Where screenshots go, relative to the module being tested. */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final List<Window> open = Collections.synchronizedList(new ArrayList<>());
    /** The windows open when the current test method started (those of the class); null outside a method. */
    private volatile List<Window> beforeTest;

    Chromium() {
    }

    /** A desktop-sized window (1280 x 900). */
    public Window open() {
        return open(1280, 900);
    }

    /** A window of this size in CSS pixels (e.g. 390 x 844 for a phone). */
    public Window open(int width, int height) {
        return open(width, height, List.of());
    }

    /**
     * A window of this size whose browser also gets {@code arguments}: for a TLS test, a host name mapped to loopback
     * ({@code --host-resolver-rules=MAP grace.test 127.0.0.1}) and the test certificate's key trusted
     * ({@code --ignore-certificate-errors-spki-list=}{@link TestCertificates#serverKeyPin()}).
     */
    public Window open(int width, int height, List<String> arguments) {
        String browser = DebianPackages.ensure("chromium", CHROMIUM_PACKAGE);
        String driverPath = DebianPackages.ensure("chromedriver", DRIVER_PACKAGE);
        Path profile;
        try {
            profile = Files.createTempDirectory("grace-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        options.addArguments(arguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverPath)).usingAnyFreePort().build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Window window = new Window(this, driver, profile);
        window.viewport(width, height, 1);
        open.add(window);
        return window;
    }

    /** Saves every open window as {@code target/screenshots/<name>-<n>.png}. */
    void screenshotAll(String name) {
        List<Window> windows;
        synchronized (open) {
            windows = new ArrayList<>(open);
        }
        for (int i = 0; i < windows.size(); i++) {
            try {
                Path file = windows.get(i).screenshot(name + "-" + (i + 1));
                System.out.println("Chromium: screenshot of a failed test: " + file.toAbsolutePath());
            } catch (RuntimeException e) {
                System.out.println("Chromium: no screenshot of window " + (i + 1) + ": " + e.getMessage());
            }
        }
    }

    void testStarts() {
        synchronized (open) {
            beforeTest = new ArrayList<>(open);
        }
    }

    /** Closes the windows the test method opened and left open (after a failure, after their screenshots). */
    void testEnded() {
        List<Window> opened;
        synchronized (open) {
            opened = new ArrayList<>(open);
        }
        List<Window> keep = beforeTest == null ? List.of() : beforeTest;
        beforeTest = null;
        opened.stream().filter(w -> !keep.contains(w)).forEach(Window::close);
    }

    void closed(Window window) {
        open.remove(window);
    }

    @Override
    public void close() {
        List<Window> windows;
        synchronized (open) {
            windows = new ArrayList<>(open);
        }
        windows.forEach(Window::close);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary profile
        }
    }

    /** One browser window: its WebDriver, closed with the browser process and its profile. */
    public static final class Window implements AutoCloseable {
        private final Chromium owner;
        private final ChromeDriver driver;
        private final Path profile;
        private boolean closed;

        private Window(Chromium owner, ChromeDriver driver, Path profile) {
            this.owner = owner;
            this.driver = driver;
            this.profile = profile;
        }

        public ChromeDriver driver() {
            return driver;
        }

        /**
         * Sets the page's viewport to {@code width} x {@code height} CSS pixels at this device scale (headless
         * Chromium will not make a window narrower than 500 pixels, a phone is 390): 200 % zoom of a 1280 x 900
         * screen is {@code viewport(640, 450, 2)}.
         */
        public void viewport(int width, int height, double scale) {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                    "deviceScaleFactor", scale, "mobile", width < 600));
        }

        /** Saves what the window shows as {@code target/screenshots/<name>.png} and returns the file. */
        public Path screenshot(String name) {
            try {
                Files.createDirectories(SCREENSHOTS);
                Path file = SCREENSHOTS.resolve(name + ".png");
                Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The browser console's entries since the last call, as "LEVEL message" lines. */
        public List<String> consoleSinceLastCall() {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(e -> e.getLevel() + " " + e.getMessage()).toList();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            owner.closed(this);
            try {
                driver.quit();
            } finally {
                deleteTree(profile);
            }
        }
    }
}
