package dev.ains.tasks.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a webhook delivery is attempted: the n-th entry is the wait before attempt n+1 (the first is
 * normally 0, at once). Written as a comma-separated list of durations such as
 * {@code 0s,5s,5m,30m,2h,5h,10h,10h}; units ms, s, m, h.
 */
public record RetrySchedule(List<Duration> delays) {
    private static final Pattern ITEM = Pattern.compile("(\\d+)(ms|s|m|h)");

    public static RetrySchedule parse(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String item : text.split(",")) {
            Matcher m = ITEM.matcher(item.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration in the retry schedule: '" + item.trim()
                        + "' (use e.g. 0s, 500ms, 5m, 2h)");
            }
            long n = Long.parseLong(m.group(1));
            delays.add(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return new RetrySchedule(List.copyOf(delays));
    }

    /** How many attempts a delivery gets. */
    public int attempts() {
        return delays.size();
    }

    /**
     * The wait before the next attempt after {@code made} attempts failed, honouring a receiver's
     * {@code Retry-After} (never sooner than it asks, never later than {@code maxRetryAfter}); null
     * when the attempts are used up.
     */
    public Duration next(int made, Duration retryAfter, Duration maxRetryAfter) {
        if (made >= delays.size()) {
            return null;
        }
        Duration d = delays.get(made);
        if (retryAfter != null) {
            Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            if (asked.compareTo(d) > 0) {
                d = asked;
            }
        }
        return d;
    }
}
