package dev.ains.kit.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paginated list. Stores fetch {@code limit + 1} rows; the extra row only says
 * that there is more, and the cursor is the last returned row's sort key.
 */
public record Page<M>(List<M> items, String nextCursor) {

    public static <T, M> Page<M> of(List<T> rows, int limit, Function<T, M> map, Function<T, Cursor> cursorOf) {
        List<M> items = rows.stream().limit(limit).map(map).toList();
        String next = rows.size() > limit ? cursorOf.apply(rows.get(limit - 1)).encode() : null;
        return new Page<>(items, next);
    }
}
