package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

/** Signatures (against the Standard Webhooks reference library), the retry schedule, the address guard. */
class WebhookRulesTest {
    private static final String BODY = "{\"event_id\":\"x\",\"type\":\"task.created\",\"data\":{}}";

    @Test
    void everySignatureInTheHeaderVerifiesWithItsSecretInTheReferenceLibrary() {
        String current = WebhookSignature.newSecret();
        String previous = WebhookSignature.newSecret();
        long now = System.currentTimeMillis() / 1000;
        String header = WebhookSignature.header("evt-1", now, BODY, List.of(current, previous));
        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        for (String secret : List.of(current, previous)) {
            assertThatCode(() -> new Webhook(secret).verify(BODY, Map.of("webhook-id", List.of("evt-1"),
                    "webhook-timestamp", List.of(String.valueOf(now)), "webhook-signature", List.of(header))))
                    .doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> new Webhook(WebhookSignature.newSecret()).verify(BODY, Map.of("webhook-id",
                List.of("evt-1"), "webhook-timestamp", List.of(String.valueOf(now)), "webhook-signature",
                List.of(header)))).isNotNull();
    }

    @Test
    void secretsMustBeWhsecBase64OfEnoughBytes() {
        assertThat(WebhookSignature.problem(WebhookSignature.newSecret())).isNull();
        assertThat(WebhookSignature.problem("abc")).contains("whsec_");
        assertThat(WebhookSignature.problem("whsec_***")).contains("base64");
        assertThat(WebhookSignature.problem("whsec_c2hvcnQ=")).contains("24 to 64");
    }

    @Test
    void theScheduleGivesEachWaitThenStopsAndHonoursRetryAfterWithinItsCap() {
        RetrySchedule s = RetrySchedule.parse("0s, 500ms,5m,2h");
        assertThat(s.attempts()).isEqualTo(4);
        Duration cap = Duration.ofHours(1);
        assertThat(s.next(1, null, cap)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.next(2, null, cap)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.next(3, null, cap)).isEqualTo(Duration.ofHours(2));
        assertThat(s.next(4, null, cap)).isNull();
        // a longer Retry-After wins, capped; a shorter one does not hurry the schedule
        assertThat(s.next(1, Duration.ofSeconds(30), cap)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.next(1, Duration.ofDays(3), cap)).isEqualTo(cap);
        assertThat(s.next(2, Duration.ofSeconds(1), cap)).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> RetrySchedule.parse("0s,5x")).hasMessageContaining("5x");
    }

    @Test
    void theGuardRefusesLoopbackPrivateLinkLocalAndMetadataAddressesUnlessAllowed() {
        var hosts = AddressGuard.table(Map.of(
                "hooks.example.com", List.of("93.184.216.34"),
                "localhost", List.of("127.0.0.1"),
                "intranet", List.of("10.1.2.3"),
                "sneaky", List.of("93.184.216.34", "192.168.0.10"),
                "metadata", List.of("169.254.169.254"),
                "v6-ula", List.of("fd00::1"),
                "cgnat", List.of("100.64.1.1")));
        AddressGuard strict = new AddressGuard(false, false, hosts);
        assertThat(strict.problem("https://hooks.example.com/in")).isNull();
        assertThat(strict.problem("http://localhost:8080/")).contains("loopback");
        assertThat(strict.problem("http://intranet/")).contains("private");
        assertThat(strict.problem("http://sneaky/")).contains("192.168.0.10");
        assertThat(strict.problem("http://metadata/latest")).contains("link-local");
        assertThat(strict.problem("http://v6-ula/")).contains("private");
        assertThat(strict.problem("http://cgnat/")).contains("private");
        assertThat(strict.problem("ftp://hooks.example.com/")).contains("http");
        assertThat(strict.problem("https://user:pw@hooks.example.com/")).contains("credentials");
        assertThat(strict.problem("https://nowhere.invalid/")).contains("does not resolve");
        assertThat(strict.problem("not a url")).isNotNull();

        AddressGuard local = new AddressGuard(true, false, hosts);
        assertThat(local.problem("http://localhost:8080/")).isNull();
        assertThat(local.problem("http://intranet/")).contains("private");
        assertThat(local.problem("http://metadata/")).contains("link-local");
        assertThat(new AddressGuard(true, true, hosts).problem("http://intranet/")).isNull();
    }
}
