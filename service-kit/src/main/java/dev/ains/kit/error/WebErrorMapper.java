package dev.ains.kit.error;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Everything else: JAX-RS' own errors (unknown path, wrong method, wrong media type) keep their status
 * in problem form; an unexpected exception is logged and answered 500 without leaking internals.
 */
@Provider
public class WebErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(WebErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        Throwable cause = exception;
        while (cause != null) {
            if (cause instanceof ApiProblem p) {
                return Problems.response(p);
            }
            if (cause instanceof JsonProcessingException jpe) {
                return JsonInputMapper.toResponse(jpe);
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        if (exception instanceof org.glassfish.jersey.server.ParamException pe
                && !(pe instanceof org.glassfish.jersey.server.ParamException.PathParamException)) {
            // JAX-RS answers 404 for a query or header parameter it cannot convert; it is a bad request.
            String name = pe.getParameterName();
            return Problems.response(400, "bad-parameter", "Bad request", name + ": invalid value",
                    List.of(new FieldError(name, "invalid value"))).build();
        }
        if (exception instanceof jakarta.ws.rs.NotFoundException nfe && nfe.getResponse().getEntity() == null) {
            // No JAX-RS resource matched: hand the request back to Helidon's routing untouched, so that
            // /health, /metrics, /openapi and the Swagger UI (served beside Jersey) still answer.
            return nfe.getResponse();
        }
        if (exception instanceof WebApplicationException wae) {
            Response r = wae.getResponse();
            int status = r.getStatus();
            if (status >= 500) {
                LOG.log(Level.WARNING, "request failed", exception);
            }
            String title = r.getStatusInfo().getReasonPhrase();
            String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
            Response.ResponseBuilder rb = Problems.response(status, slug, title, detail(wae, status), List.of());
            r.getHeaders().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Type")) {
                    v.forEach(x -> rb.header(k, x));
                }
            });
            return rb.build();
        }
        LOG.log(Level.SEVERE, "unexpected error", exception);
        return Problems.response(500, "internal", "Internal error",
                "the request failed unexpectedly; nothing was changed", List.of()).build();
    }

    private static String detail(WebApplicationException e, int status) {
        return switch (status) {
            case 404 -> "no resource at this path";
            case 405 -> "method not allowed on this path";
            case 406 -> "cannot produce the requested media type";
            case 415 -> "unsupported media type; send application/json";
            default -> e.getMessage();
        };
    }
}
