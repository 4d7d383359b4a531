package org.grace.core.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.grace.testsupport.WithRedis;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A throwaway Redis for the test class and Redisson clients built by {@link RedisClients}; see
 * {@link RedissonExtension}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@WithRedis
@ExtendWith(RedissonExtension.class)
public @interface WithRedisson {
}
