package org.grace.core.cache;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * How cached values become bytes in Redis and back. One codec per cache; every instance sharing the namespace must
 * use a compatible one.
 */
public interface CacheCodec {

    /** The bytes for {@code value}; throws {@link IllegalArgumentException} naming the value's type if it cannot. */
    byte[] encode(Object value);

    /** The value of {@code type} in {@code bytes}; throws any runtime exception if they do not decode. */
    Object decode(byte[] bytes, Type type);

    /**
     * JSON through Jackson: records, collections and anything Jackson binds. Unknown properties are ignored, so a
     * value written by a newer version with an extra field still reads; registers the modules found on the class
     * path (java.time among them).
     */
    static CacheCodec jackson() {
        return new JacksonCacheCodec(new ObjectMapper().findAndRegisterModules()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    /** JSON through the given, already configured mapper. */
    static CacheCodec jackson(ObjectMapper mapper) {
        return new JacksonCacheCodec(Objects.requireNonNull(mapper, "object mapper must not be null"));
    }
}
