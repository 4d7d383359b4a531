package org.grace.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a parameter resolved by {@link RedisExtension} or {@link PostgresExtension}: this method gets a server (or
 * database) of its own instead of the test class's shared one, and it is stopped when the test method ends. For
 * tests that break the server in ways the other tests must not see (a Redis restarted with other settings, a
 * database whose schema a test changes).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Fresh {
}
