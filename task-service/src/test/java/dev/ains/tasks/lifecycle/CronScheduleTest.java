package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final OffsetDateTime T = OffsetDateTime.parse("2026-03-06T10:07:30Z"); // a Friday

    @Test
    void fiveFieldsInAZone() {
        CronSchedule weekdayMornings = CronSchedule.parse("0 9 * * MON-FRI", "Europe/Paris");
        // 09:00 in Paris is 08:00 UTC in March (before the DST switch); Friday's has passed: Monday
        assertThat(weekdayMornings.nextAfter(T)).contains(OffsetDateTime.parse("2026-03-09T08:00:00Z"));
        assertThat(weekdayMornings.upcoming(T, 3, null)).containsExactly(
                OffsetDateTime.parse("2026-03-09T08:00:00Z"), OffsetDateTime.parse("2026-03-10T08:00:00Z"),
                OffsetDateTime.parse("2026-03-11T08:00:00Z"));
    }

    @Test
    void sixFieldsHaveSeconds() {
        assertThat(CronSchedule.parse("*/20 * * * * *", "UTC").nextAfter(T))
                .contains(OffsetDateTime.parse("2026-03-06T10:07:40Z"));
    }

    @Test
    void startAndEndBoundTheFireTimes() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", "UTC");
        assertThat(hourly.first(T, T.plusHours(5), null)).contains(OffsetDateTime.parse("2026-03-06T16:00:00Z"));
        assertThat(hourly.upcoming(T, 10, T.plusHours(2))).hasSize(2);
        assertThat(hourly.first(T, null, T.plusMinutes(10))).isEmpty();
    }

    @Test
    void aMissedTickIsSkippedOrRunOnce() {
        CronSchedule everyMinute = CronSchedule.parse("* * * * *", "UTC");
        OffsetDateTime due = T.minusHours(3);
        var skip = everyMinute.onDue(due, T, Duration.ofSeconds(60), false, null);
        assertThat(skip.fire()).isFalse();
        assertThat(skip.missed()).isTrue();
        assertThat(skip.next()).isEqualTo(OffsetDateTime.parse("2026-03-06T10:08:00Z"));
        assertThat(everyMinute.onDue(due, T, Duration.ofSeconds(60), true, null).fire()).isTrue();
        var onTime = everyMinute.onDue(T.minusSeconds(30), T, Duration.ofSeconds(60), false, null);
        assertThat(onTime.fire()).isTrue();
        assertThat(onTime.next()).isEqualTo(OffsetDateTime.parse("2026-03-06T10:08:00Z"));
    }

    @Test
    void badExpressionsAndZonesAreNamed() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "UTC")).hasMessageStartingWith("cron:");
        assertThatThrownBy(() -> CronSchedule.parse("* * *", "UTC")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Mars/Olympus")).hasMessageStartingWith("time_zone:");
    }
}
