package dev.ains.registry.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Problem;
import dev.ains.kit.error.Problems;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * An error of the OAuth 2.0 token endpoint: a problem document that also carries RFC 6749 §5.2's
 * {@code error} and {@code error_description}. A form request (an OAuth 2.0 client) gets it as
 * {@code application/json}, which is what such clients parse; a JSON request as problem+json.
 */
public class OAuthError extends ApiProblem {
    private final String error;
    private final boolean form;
    private final boolean basic;

    private OAuthError(int status, String error, String title, String detail, boolean form, boolean basic) {
        this(status, "oauth-" + error.replace('_', '-'), error, title, detail, null, form, basic);
    }

    private OAuthError(int status, String slug, String error, String title, String detail, Integer retryAfter,
                       boolean form, boolean basic) {
        super(status, slug, title, detail, java.util.List.of(), retryAfter);
        this.error = error;
        this.form = form;
        this.basic = basic;
    }

    /** The client id is locked out after too many failed secrets: it cannot authenticate for a while. */
    static OAuthError lockedOut(ApiProblem p, boolean form, boolean basic) {
        return new OAuthError(429, p.slug(), "invalid_client", p.title(), p.getMessage(), p.retryAfterSeconds(),
                form, basic);
    }

    /** A parameter missing, repeated or malformed, or more than one way of authenticating. */
    static OAuthError invalidRequest(String detail, boolean form) {
        return new OAuthError(400, "invalid_request", "Invalid token request", detail, form, false);
    }

    static OAuthError unsupportedGrantType(String grantType, boolean form) {
        return new OAuthError(400, "unsupported_grant_type", "Unsupported grant type",
                "grant_type " + grantType + " is not served here; use client_credentials", form, false);
    }

    /** Unknown client or wrong secret; {@code basic}: the client authenticated with HTTP Basic. */
    static OAuthError invalidClient(String detail, boolean form, boolean basic) {
        return new OAuthError(401, "invalid_client", "Authentication required", detail, form, basic);
    }

    @Provider
    public static class Mapper implements ExceptionMapper<OAuthError> {
        @Override
        public Response toResponse(OAuthError e) {
            Problem p = Problems.body(e);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.error);
            body.put("error_description", e.getMessage());
            body.put("type", p.type());
            body.put("title", p.title());
            body.put("status", p.status());
            body.put("detail", p.detail());
            Response.ResponseBuilder rb = Response.status(e.status())
                    .type(e.form ? MediaType.APPLICATION_JSON : Problem.MEDIA_TYPE).entity(body)
                    .header("Cache-Control", "no-store").header("Pragma", "no-cache");
            if (e.retryAfterSeconds() != null) {
                rb.header("Retry-After", e.retryAfterSeconds());
            }
            if (e.status() == 401) {
                // RFC 6749 §5.2: the scheme the client used
                rb.header("WWW-Authenticate", e.basic ? "Basic realm=\"ains\"" : "Bearer realm=\"ains\"");
            }
            return rb.build();
        }
    }
}
