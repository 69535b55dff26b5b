package dev.ains.kit.store;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.helidon.dbclient.DbColumn;
import io.helidon.dbclient.DbRow;

/** Null-safe column readers for DB Client rows (timestamptz arrives as {@link Timestamp}). */
public final class Rows {
    private Rows() {
    }

    public static OffsetDateTime time(DbRow row, String column) {
        Object v = raw(row, column);
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
        Object v = raw(row, column);
        return v == null ? null : (UUID) v;
    }

    public static String string(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : v.toString();
    }

    public static Long longOrNull(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : ((Number) v).longValue();
    }

    public static Integer intOrNull(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : ((Number) v).intValue();
    }

    public static Double doubleOrNull(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    /**
     * The column's value or null. DB Client 4.1's {@code DbColumn.get()} (and every mapping accessor)
     * throws on SQL NULL; its raw value is only reachable through the protected {@code rawValue()}.
     */
    public static Object raw(DbRow row, String column) {
        DbColumn c = row.column(column);
        if (c == null) {
            return null;
        }
        try {
            return RAW_VALUE.invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read column " + column, e);
        }
    }

    private static final java.lang.reflect.Method RAW_VALUE = rawValueMethod();

    private static java.lang.reflect.Method rawValueMethod() {
        try {
            var m = io.helidon.dbclient.DbColumnBase.class.getDeclaredMethod("rawValue");
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static Boolean bool(DbRow row, String column) {
        return (Boolean) raw(row, column);
    }

    public static Timestamp ts(OffsetDateTime t) {
        return t == null ? null : Timestamp.from(t.toInstant());
    }
}
