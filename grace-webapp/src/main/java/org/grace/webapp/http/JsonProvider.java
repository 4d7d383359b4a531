package org.grace.webapp.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.stream.Collectors;

/**
 * JSON bodies through Jackson, Grace's way: malformed JSON is a 400 that says where and what, a value of the
 * wrong type a 400 naming the field, an empty body a 400, and a body over the limit a 413 (the request filter
 * counts the bytes). Unknown fields are ignored so older instances accept newer clients during a rolling update.
 */
@Provider
@Priority(1) // before Payara's JSON-B provider, which otherwise wins for some types (seen: records, in one boot)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class JsonProvider implements MessageBodyReader<Object>, MessageBodyWriter<Object> {
    static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type != InputStream.class && type != String.class && type != byte[].class;
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        try {
            Object value = MAPPER.readerFor(MAPPER.constructType(genericType)).readValue(entityStream);
            if (value == null) {
                throw new ApiException(400, "request body must be a JSON object");
            }
            return value;
        } catch (RequestFilter.BodyTooLargeException e) {
            throw new ApiException(413, e.getMessage());
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof RequestFilter.BodyTooLargeException tooLarge) {
                throw new ApiException(413, tooLarge.getMessage());
            }
            throw new ApiException(400, describe(e));
        }
    }

    /** A client-safe description of a JSON problem: where it is and what is wrong, without echoing the input. */
    static String describe(JsonProcessingException e) {
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String target = m.getTargetType() == null ? "another type" : simpleType(m.getTargetType());
            return "field '" + field + "' has the wrong type; expected " + target;
        }
        if (e instanceof MismatchedInputException m && m.getMessage() != null
                && m.getMessage().startsWith("No content to map")) {
            return "request body is empty; expected a JSON object";
        }
        if (e instanceof MismatchedInputException) {
            return "request body must be a JSON object";
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String what = e.getOriginalMessage();
        int nl = what == null ? -1 : what.indexOf('\n');
        if (what != null && nl > 0) {
            what = what.substring(0, nl);
        }
        if (what != null) {
            // Jackson quotes the offending input; keep a short piece of it, never a client's whole payload.
            what = what.replaceFirst("^([^']*')([^']{24})[^']*'", "$1$2...'");
        }
        if (e instanceof JsonParseException || !(e instanceof JsonMappingException)) {
            return "malformed JSON" + where + ": " + what;
        }
        return "request body does not fit" + where + ": " + what;
    }

    private static String simpleType(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type != String.class && type != byte[].class && !InputStream.class.isAssignableFrom(type)
                && !jakarta.ws.rs.core.StreamingOutput.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> httpHeaders, OutputStream entityStream) throws IOException {
        MAPPER.writeValue(new NonClosing(entityStream), value);
    }

    /** Jackson closes the stream it writes to; the container owns it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
