package org.grace.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Headless Chromium for a test class ({@link WithChromium}): a parameter of type {@link Chromium} opens browser
 * windows, Debian's {@code chromium} driven by Debian's {@code chromedriver} (both installed by
 * {@code scripts/ensure-package.sh} when missing, like nginx and redis). One {@link Chromium} per class; a window
 * opened in a test method closes when that method ends, one opened in {@code @BeforeAll} when the class ends. When a test fails, each window still open is saved as
 * {@code target/screenshots/<class>.<method>-<n>.png} before anything closes, so the failure can be seen.
 */
public final class ChromiumExtension extends ServerExtension<Chromium> implements BeforeEachCallback,
        AfterTestExecutionCallback, AfterEachCallback {
    private static final ServerStore<Chromium> BROWSERS =
            ServerStore.perClass(ChromiumExtension.class, Chromium.class, Chromium::new);

    public ChromiumExtension() {
        super(BROWSERS);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        BROWSERS.ifMade(context, Chromium::testStarts);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BROWSERS.ifMade(context, Chromium::testEnded);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            String name = context.getRequiredTestClass().getSimpleName() + "."
                    + context.getTestMethod().map(m -> m.getName()).orElse("test");
            BROWSERS.ifMade(context, chromium -> chromium.screenshotAll(name));
        }
    }
}
