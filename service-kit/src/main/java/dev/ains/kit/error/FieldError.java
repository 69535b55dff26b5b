package dev.ains.kit.error;

/** One offending field of a rejected request: a JSON pointer-like path and what is wrong with it. */
public record FieldError(String field, String message) {
}
