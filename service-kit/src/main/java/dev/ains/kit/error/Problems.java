package dev.ains.kit.error;

import java.util.List;

import jakarta.ws.rs.core.Response;

/** Builds problem+json responses; the one place that knows how an error looks on the wire. */
public final class Problems {
    private static final String TYPE_BASE = "https://ains.dev/problems/";

    private Problems() {
    }

    public static Response response(ApiProblem p) {
        Response.ResponseBuilder rb = response(p.status(), p.slug(), p.title(), p.getMessage(), p.errors());
        if (p.retryAfterSeconds() != null) {
            rb.header("Retry-After", p.retryAfterSeconds());
        }
        if (p.status() == 401) {
            rb.header("WWW-Authenticate", "Bearer realm=\"ains\", ApiKey header=\"X-API-Key\"");
        }
        return rb.build();
    }

    public static Response.ResponseBuilder response(int status, String slug, String title, String detail,
                                                    List<FieldError> errors) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body(status, slug, title, detail, errors));
    }

    /** The problem as a value, for answers that carry one per item (bulk calls). */
    public static Problem body(ApiProblem p) {
        return body(p.status(), p.slug(), p.title(), p.getMessage(), p.errors());
    }

    private static Problem body(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, errors);
    }
}
