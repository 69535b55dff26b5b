package dev.ains.kit.error;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects every field error of a request before anything is written, then fails once with all of them
 * (422), so that a client fixes its request in one round trip.
 */
public final class Check {
    private final List<FieldError> errors = new ArrayList<>();

    public static Check of() {
        return new Check();
    }

    public Check required(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())
                || (value instanceof Collection<?> c && c.isEmpty())) {
            errors.add(new FieldError(field, "is required"));
        }
        return this;
    }

    public Check range(String field, Number value, long min, long max) {
        if (value != null && (value.doubleValue() < min || value.doubleValue() > max)) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
        return this;
    }

    public Check rangeD(String field, Number value, double min, double max) {
        if (value != null && (value.doubleValue() < min || value.doubleValue() > max)) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
        return this;
    }

    public Check maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
        }
        return this;
    }

    public Check pattern(String field, String value, String regex, String what) {
        if (value != null && !value.isEmpty() && !value.matches(regex)) {
            errors.add(new FieldError(field, "must be " + what));
        }
        return this;
    }

    public Check that(boolean ok, String field, String message) {
        if (!ok) {
            errors.add(new FieldError(field, message));
        }
        return this;
    }

    /** The errors so far, each field name prefixed (e.g. {@code tasks[3].}). */
    public List<FieldError> errors(String prefix) {
        return errors.stream().map(e -> new FieldError(prefix + e.field(), e.message())).toList();
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public void orThrow() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }
}
