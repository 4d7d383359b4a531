package org.grace.webapp.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grace.webapp.database.DataAccessException;

/**
 * Turns every exception out of a resource into Grace's JSON error. 401 says why a presented token was refused
 * (expired, wrong issuer, ...); a role check failing for a caller without a valid token is a 401, not a 403.
 * Unexpected exceptions are 500 with only the request id for the client and the stack trace in the log.
 */
@Provider
public class ApiErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class.getName());
    /**
     * The hook for whoever authenticates requests (the access-token mechanism, above this package): why a presented
     * credential was refused, as a client-safe sentence. It becomes the message of the 401.
     */
    public static final String REFUSED_CREDENTIAL_ATTRIBUTE = "grace.tokenRejected";
    /**
     * The other hook: a credential was presented but could not be checked (the logout denial list is out of reach:
     * Redis did not answer in time and PostgreSQL is down). What would be a 401 becomes a 503 with
     * {@code Retry-After}: the platform cannot tell, and a 401 makes clients sign the user out.
     */
    public static final String UNCHECKED_CREDENTIAL_ATTRIBUTE = "grace.tokenUnchecked";

    /**
     * The third: the signed-in caller (whoever authenticates puts it here), so that a role check failing without one
     * is a 401. An attribute, not the injected {@code SecurityContext}: that is looked up on every call.
     */
    public static final String CALLER_ATTRIBUTE = "grace.token";

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(Throwable e) {
        String requestId = RequestFilter.requestId(request);
        int status;
        String message;
        Map<String, String> fields = Map.of();
        Map<String, String> headers = Map.of();
        if (e instanceof RequestFilter.BodyTooLargeException || e.getCause() instanceof RequestFilter.BodyTooLargeException) {
            status = 413;
            message = "request body is larger than the limit";
        } else if (e instanceof ApiException api) {
            status = api.status();
            message = api.getMessage();
            fields = api.fields();
            headers = api.headers();
        } else if ((e instanceof NotAuthorizedException || e instanceof ForbiddenException)
                && request.getAttribute(CALLER_ATTRIBUTE) == null) {
            return refused(request.getAttribute(UNCHECKED_CREDENTIAL_ATTRIBUTE),
                    request.getAttribute(REFUSED_CREDENTIAL_ATTRIBUTE), requestId);
        } else if (e instanceof ForbiddenException) {
            status = 403;
            message = "your role does not allow this";
        } else if (e instanceof WebApplicationException web) {
            status = web.getResponse().getStatus();
            message = switch (status) {
                case 404 -> "no such resource: " + request.getRequestURI();
                case 405 -> request.getMethod() + " is not allowed on " + request.getRequestURI();
                case 415 -> "unsupported content type; send application/json";
                case 406 -> "only application/json is offered";
                default -> ApiErrors.reason(status);
            };
        } else if (e instanceof JsonProcessingException json) {
            status = 400;
            message = JsonProvider.describe(json);
        } else if (e instanceof DataAccessException) {
            status = 503;
            message = "the database is not available; try again shortly";
            headers = Map.of("Retry-After", "1"); // the instance notices the database's return within 250 ms
            LOG.log(Level.WARNING, "grace: requestId=" + requestId + " database error: " + e.getMessage());
        } else {
            status = 500;
            message = "internal error; quote the request id when reporting it";
            LOG.log(Level.SEVERE, "grace: requestId=" + requestId + " " + request.getMethod() + " "
                    + request.getRequestURI() + " failed", e);
        }
        Object unchecked = status == 401 ? request.getAttribute(UNCHECKED_CREDENTIAL_ATTRIBUTE) : null;
        if (unchecked != null) {
            return refused(unchecked, null, requestId);
        }
        return ApiErrors.response(status, message, requestId, fields, headers);
    }

    /**
     * What {@link #toResponse} answers a role check that failed for a caller without a valid token (401 saying why
     * the token was refused, or 503 when it could not be checked), for a request filter to abort with: no exception
     * to build and map, and the request's properties instead of the injected request proxy.
     */
    public static Response signInRequired(ContainerRequestContext context) {
        return refused(context.getProperty(UNCHECKED_CREDENTIAL_ATTRIBUTE),
                context.getProperty(REFUSED_CREDENTIAL_ATTRIBUTE), requestId(context));
    }

    /**
     * The answer to a caller without a valid token: 503 with {@code Retry-After} when its credential could not be
     * checked ({@code unchecked}, the reason), else 401 saying why the token was refused ({@code why}, if any).
     */
    private static Response refused(Object unchecked, Object why, String requestId) {
        if (unchecked != null) {
            return ApiErrors.response(503, unchecked.toString(), requestId, Map.of(), Map.of("Retry-After", "1"));
        }
        return ApiErrors.response(401, why != null ? why.toString() : "sign-in required", requestId, Map.of(),
                Map.of());
    }

    /** {@code e} as {@link #toResponse} answers it, for a request filter to abort with. */
    public static Response of(ApiException e, ContainerRequestContext context) {
        return ApiErrors.response(e.status(), e.getMessage(), requestId(context), e.fields(), e.headers());
    }

    private static String requestId(ContainerRequestContext context) {
        Object id = context.getProperty(RequestFilter.REQUEST_ID_ATTRIBUTE);
        return id == null ? null : id.toString();
    }
}
