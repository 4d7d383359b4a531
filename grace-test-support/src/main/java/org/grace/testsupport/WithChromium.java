package org.grace.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lets the test class open headless Chromium windows (a {@link Chromium} parameter), closed when the class ends; a
 * failing test leaves a screenshot of every open window under {@code target/screenshots/}. See
 * {@link ChromiumExtension}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ChromiumExtension.class)
public @interface WithChromium {
}
