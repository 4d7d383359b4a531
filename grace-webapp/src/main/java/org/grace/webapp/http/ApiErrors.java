package org.grace.webapp.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one shape of every 4xx and 5xx Grace sends: {@code {"status", "error", "message", "requestId"}}, plus
 * {@code "fields"} when individual fields are invalid. Used by the JAX-RS mapper and by the servlet-level paths
 * (error pages, filters) so a client never sees an HTML error page.
 */
public final class ApiErrors {
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiErrors() {
    }

    public static Map<String, Object> body(int status, String message, String requestId, Map<String, String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reason(status));
        body.put("message", message);
        body.put("requestId", requestId);
        if (fields != null && !fields.isEmpty()) {
            body.put("fields", new java.util.TreeMap<>(fields));
        }
        return body;
    }

    /** The error as a JAX-RS response: for the exception mapper and for filters that abort a request. */
    public static jakarta.ws.rs.core.Response response(int status, String message, String requestId,
                                                       Map<String, String> fields, Map<String, String> headers) {
        jakarta.ws.rs.core.Response.ResponseBuilder builder = jakarta.ws.rs.core.Response.status(status)
                .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .entity(body(status, message, requestId, fields));
        headers.forEach(builder::header);
        return builder.build();
    }

    /** Writes the error directly on a servlet response (filters, error pages). */
    public static void write(HttpServletResponse response, int status, String message, String requestId)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = JSON.writeValueAsBytes(body(status, message, requestId, Map.of()));
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
