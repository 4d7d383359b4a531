package org.grace.core.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code RedissonClient} parameter: the client's name (Redis {@code CLIENT SETNAME}); parameters with different
 * names get different clients, as two instances would have.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ClientName {
    String value();
}
