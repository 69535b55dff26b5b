package dev.ains.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

/** The SDK verifier against the Standard Webhooks reference library, both ways. */
class WebhookVerifierTest {
    private static final String BODY = "{\"event_id\":\"e1\",\"type\":\"task.completed\",\"data\":{\"task_id\":\"t\"}}";

    private static String secret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    @Test
    void acceptsWhatTheReferenceLibrarySigns() throws Exception {
        String secret = secret();
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(secret).sign("msg_1", now, BODY);
        new WebhookVerifier(List.of(secret)).verify(Map.of("Webhook-Id", List.of("msg_1"),
                "Webhook-Timestamp", List.of(String.valueOf(now)), "Webhook-Signature", List.of(signature)), BODY);
    }

    @Test
    void theReferenceLibraryAcceptsWhatTheSdkSigns() throws Exception {
        String secret = secret();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookVerifier.sign(secret, "msg_2", now, BODY);
        assertThatCode(() -> new Webhook(secret).verify(BODY, Map.of("webhook-id", List.of("msg_2"),
                "webhook-timestamp", List.of(String.valueOf(now)), "webhook-signature", List.of(signature))))
                .doesNotThrowAnyException();
    }

    @Test
    void anyOfSeveralSignaturesAndAnyOfSeveralSecretsWillDo() throws Exception {
        String oldSecret = secret();
        String newSecret = secret();
        long now = Instant.now().getEpochSecond();
        String header = WebhookVerifier.sign(newSecret, "m", now, BODY) + " " + WebhookVerifier.sign(oldSecret, "m", now, BODY);
        // a receiver that only knows the old secret, and one that only knows the new one
        new WebhookVerifier(List.of(oldSecret)).verify("m", String.valueOf(now), header, BODY, Instant.now());
        new WebhookVerifier(List.of(newSecret)).verify("m", String.valueOf(now), header, BODY, Instant.now());
        new WebhookVerifier(List.of(secret(), newSecret)).verify("m", String.valueOf(now),
                WebhookVerifier.sign(newSecret, "m", now, BODY), BODY, Instant.now());
    }

    @Test
    void refusesATamperedBodyAWrongSecretAStaleTimestampAndMissingHeaders() {
        String secret = secret();
        long now = Instant.now().getEpochSecond();
        String sig = WebhookVerifier.sign(secret, "m", now, BODY);
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret));
        assertThatThrownBy(() -> verifier.verify("m", String.valueOf(now), sig, BODY + " ", Instant.now()))
                .isInstanceOf(WebhookVerifier.Failure.class).hasMessageContaining("no signature");
        assertThatThrownBy(() -> new WebhookVerifier(List.of(secret())).verify("m", String.valueOf(now), sig, BODY,
                Instant.now())).isInstanceOf(WebhookVerifier.Failure.class);
        assertThatThrownBy(() -> verifier.verify("other-id", String.valueOf(now), sig, BODY, Instant.now()))
                .isInstanceOf(WebhookVerifier.Failure.class);
        assertThatThrownBy(() -> verifier.verify("m", String.valueOf(now), sig, BODY,
                Instant.now().plusSeconds(301))).hasMessageContaining("tolerance");
        assertThatThrownBy(() -> verifier.verify(Map.of(), BODY)).hasMessageContaining("missing");
        assertThatThrownBy(() -> verifier.verify("m", String.valueOf(now), "v2," + sig.substring(3), BODY,
                Instant.now())).isInstanceOf(WebhookVerifier.Failure.class);
        assertThat(sig).startsWith("v1,");
    }
}
