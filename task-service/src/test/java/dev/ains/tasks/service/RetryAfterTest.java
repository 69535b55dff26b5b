package dev.ains.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

class RetryAfterTest {
    @Test
    void readsSecondsAndHttpDatesAndIgnoresNonsense() {
        assertThat(WebhookSender.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        String inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(WebhookSender.retryAfter(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
        String past = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(WebhookSender.retryAfter(past)).isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter("soon")).isNull();
    }
}
