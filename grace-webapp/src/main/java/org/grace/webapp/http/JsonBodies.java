package org.grace.webapp.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/** Reads a JSON body a resource took as bytes (optional bodies), with the same 400 messages as {@link JsonProvider}. */
public final class JsonBodies {
    private JsonBodies() {
    }

    public static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = JsonProvider.MAPPER.readValue(body, type);
            if (value == null) {
                throw new ApiException(400, "request body must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, JsonProvider.describe(e));
        } catch (IOException e) {
            throw new ApiException(400, "unreadable request body");
        }
    }
}
