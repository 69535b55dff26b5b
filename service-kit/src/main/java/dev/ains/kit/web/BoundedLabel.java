package dev.ains.kit.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a metric label whose values come from users (a task type, say) from growing without bound:
 * the first {@code max} distinct values are used as they are, every later one is reported as
 * {@value #OTHER}. Each value is one time series per metric in Prometheus, so a client that invents a
 * task type per task must not be able to create a million of them.
 */
public final class BoundedLabel {
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public BoundedLabel(int max) {
        this.max = max;
    }

    public String of(String value) {
        if (value == null) {
            return "none";
        }
        if (seen.contains(value)) {
            return value;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(value);
                return value;
            }
        }
        return OTHER;
    }
}
