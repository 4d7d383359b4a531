package org.grace.webapp.it;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.grace.testsupport.WithPostgres;
import org.grace.testsupport.WithRedis;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grace instances for the test class, sharing the class's PostgreSQL database and Redis; see {@link GraceExtension}.
 * Add {@code @WithRedisSentinel} to give them a master, replica and sentinels instead of one Redis.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithPostgres
@WithRedis
@ExtendWith(GraceExtension.class)
public @interface WithGrace {
}
