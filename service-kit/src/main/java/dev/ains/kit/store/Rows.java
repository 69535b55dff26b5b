package dev.ains.kit.store;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.helidon.dbclient.DbRow;

/** Null-safe column readers for DB Client rows (timestamptz arrives as {@link Timestamp}). */
public final class Rows {
    private Rows() {
    }

    public static OffsetDateTime time(DbRow row, String column) {
        Object v = row.column(column).get();
        if (v == null) {
            return null;
        }
        if (v instanceof Timestamp ts) {
            return OffsetDateTime.ofInstant(ts.toInstant(), ZoneOffset.UTC);
        }
        if (v instanceof OffsetDateTime odt) {
            return odt.withOffsetSameInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException(column + " is not a timestamp: " + v.getClass());
    }

    public static UUID uuid(DbRow row, String column) {
        Object v = row.column(column).get();
        return v == null ? null : (UUID) v;
    }

    public static String string(DbRow row, String column) {
        Object v = row.column(column).get();
        return v == null ? null : v.toString();
    }

    public static Long longOrNull(DbRow row, String column) {
        Object v = row.column(column).get();
        return v == null ? null : ((Number) v).longValue();
    }

    public static Integer intOrNull(DbRow row, String column) {
        Object v = row.column(column).get();
        return v == null ? null : ((Number) v).intValue();
    }

    public static Double doubleOrNull(DbRow row, String column) {
        Object v = row.column(column).get();
        return v == null ? null : ((Number) v).doubleValue();
    }

    public static Timestamp ts(OffsetDateTime t) {
        return t == null ? null : Timestamp.from(t.toInstant());
    }
}
