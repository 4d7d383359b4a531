package org.grace.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a parameter resolved by {@link RedisExtension}, {@link PostgresExtension} or {@link S3Extension}: this test
 * method gets a server (or a database) of its own instead of the test class's shared one, stopped when the test
 * method ends. For tests that break the server in ways the other tests must not see (a Redis killed while clients
 * hold connections to it, a Redis whose only subscriptions must be the test's own). The {@code @Fresh} server
 * parameters of one method and its {@code @BeforeEach}/{@code @AfterEach} methods all get the same server; each
 * {@code @Fresh PostgresDatabase} is a new database. The extensions with one per class (Sentinel, nginx, Chromium)
 * refuse it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Fresh {
}
