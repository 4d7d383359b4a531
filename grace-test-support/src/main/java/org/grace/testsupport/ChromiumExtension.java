package org.grace.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Headless Chromium for a test class ({@link WithChromium}): a parameter of type {@link Chromium} opens browser
 * windows, Debian's {@code chromium} driven by Debian's {@code chromedriver} (both installed by
 * {@code scripts/ensure-package.sh} when missing, like nginx and redis). One {@link Chromium} per class; a window
 * opened in a test method closes when that method ends, one opened in {@code @BeforeAll} when the class ends. When a test fails, each window still open is saved as
 * {@code target/screenshots/<class>.<method>-<n>.png} before anything closes, so the failure can be seen.
 */
public final class ChromiumExtension implements ParameterResolver, BeforeEachCallback, AfterTestExecutionCallback,
        AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ChromiumExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Chromium.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return classChromium(context);
    }

    /** The class's {@link Chromium}, created on first use. */
    public static Chromium classChromium(ExtensionContext context) {
        return ExtensionStores.classContext(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(Chromium.class, key -> new Chromium(), Chromium.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Chromium chromium = existing(context);
        if (chromium != null) {
            chromium.testStarts();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Chromium chromium = existing(context);
        if (chromium != null) {
            chromium.testEnded();
        }
    }

    private static Chromium existing(ExtensionContext context) {
        return ExtensionStores.classContext(context).getStore(NAMESPACE).get(Chromium.class, Chromium.class);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        Chromium chromium = existing(context);
        if (chromium != null) {
            String name = context.getRequiredTestClass().getSimpleName() + "."
                    + context.getTestMethod().map(m -> m.getName()).orElse("test");
            chromium.screenshotAll(name);
        }
    }
}
