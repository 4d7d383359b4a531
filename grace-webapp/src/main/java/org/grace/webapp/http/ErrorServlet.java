package org.grace.webapp.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error page (see web.xml), so errors raised outside JAX-RS (an unknown path served by the
 * default servlet, a 405 on a static file, a failure in a filter) are Grace's JSON error too.
 */
public class ErrorServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri != null ? uri.toString() : request.getRequestURI();
        String message = switch (status) {
            case 404 -> "no such resource: " + path;
            case 405 -> "method not allowed on " + path;
            case 413 -> "request body too large";
            default -> status >= 500 ? "internal error; quote the request id when reporting it" : ApiErrors.reason(status);
        };
        response.setHeader("Content-Encoding", null);
        ApiErrors.write(response, status, message, RequestFilter.requestId(request));
    }
}
