package dev.ains.kit.store;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;

/**
 * Keyset pagination: the opaque cursor is the sort key of the last row returned (time and id), so pages
 * stay stable while rows are added, and every page is an index range scan.
 */
public record Cursor(OffsetDateTime at, String id) {

    public String encode() {
        String raw = at + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor after(OffsetDateTime at, Object id) {
        return new Cursor(at, String.valueOf(id));
    }

    /** Null for the first page; a 400 naming {@code cursor} when it was not issued by us. */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new Cursor(OffsetDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new ApiProblem(400, "bad-cursor", "Bad request", "cursor: not a cursor issued by this API",
                    java.util.List.of(new dev.ains.kit.error.FieldError("cursor", "not a cursor issued by this API")),
                    null);
        }
    }

    public UUID uuid() {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw decodeError();
        }
    }

    public long number() {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw decodeError();
        }
    }

    private static ApiProblem decodeError() {
        return ApiProblem.invalid("cursor", "not a cursor issued by this API");
    }

    /** Page size from the request, bounded. */
    public static int limit(Integer requested) {
        int l = requested == null ? 50 : requested;
        if (l < 1 || l > 200) {
            throw ApiProblem.invalid("limit", "must be between 1 and 200");
        }
        return l;
    }
}
