package dev.ains.kit.error;

import java.util.List;

/**
 * An error meant for the caller. Thrown anywhere in a request, it becomes a problem+json answer with
 * this status; nothing else about the request has been written when it is thrown inside a transaction.
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Integer retryAfterSeconds;

    public ApiProblem(int status, String slug, String title, String detail, List<FieldError> errors,
                      Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiProblem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), null);
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "bad-request", "Bad request", detail);
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ApiProblem(422, "validation", "Request is not valid", detail, errors, null);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(404, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ApiProblem conflict(String slug, String detail) {
        return new ApiProblem(409, slug, "Conflict", detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", "Authentication required", detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "forbidden", "Forbidden", detail);
    }

    /** Over a limit for now: 429 with Retry-After. */
    public static ApiProblem tooManyRequests(String slug, String detail, int retryAfterSeconds) {
        return new ApiProblem(429, slug, "Too many requests", detail, List.of(), retryAfterSeconds);
    }

    public static ApiProblem unavailable(String detail, int retryAfterSeconds) {
        return new ApiProblem(503, "unavailable", "Service unavailable", detail, List.of(), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
