package dev.ains.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A service never starts with a missing, short, example or low-variety secret; only a local run makes one up. */
class SecretPolicyTest {
    private static final String GOOD = "kq3J9vXw0Lr2T5bZ8nYcA1fHs7dGm4Pe";

    @Test
    void weakSecretsAreRefusedAndTheMessageNeverShowsThem() {
        // the placeholders the project shipped before: the compose example and the old built-in default
        for (String weak : new String[] {"change-me-to-48-random-bytes-change-me-to-48-random-bytes",
                "ains-local-development-secret-change-me-0123456789", "x9Qz7", "abababababababababababababababababab"}) {
            assertThatThrownBy(() -> SecretPolicy.requireStrong("ains.registry.admin-client-secret", weak, 32))
                    .hasMessageContaining("ains.registry.admin-client-secret").hasMessageNotContaining(weak);
        }
        assertThat(SecretPolicy.requireStrong("x", GOOD, 32)).isEqualTo(GOOD);
    }

    @Test
    void anOperatorSecretNeedsSixteenCharactersOfSomeVariety() {
        assertThatThrownBy(() -> SecretPolicy.requireStrong("ains.registry.admin-client-secret", "change-me",
                SecretPolicy.MIN_OPERATOR_SECRET_CHARS)).hasMessageContaining("admin-client-secret");
        assertThatThrownBy(() -> SecretPolicy.requireStrong("x", "", 16)).hasMessageContaining("not set");
        assertThat(SecretPolicy.requireStrong("x", "correct horse battery staple", 16))
                .isEqualTo("correct horse battery staple");
    }

    @Test
    void aChosenSecretIsStoredWithASlowSaltedHashAndAnIssuedOneWithAFastOne() {
        String stored = Secrets.slowHash("correct horse battery staple");
        assertThat(stored).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct");
        assertThat(Secrets.slowHash("correct horse battery staple")).as("salted").isNotEqualTo(stored);
        assertThat(Secrets.matches("correct horse battery staple", stored)).isTrue();
        assertThat(Secrets.matches("correct horse battery stapler", stored)).isFalse();
        String issued = Secrets.generate("cs_");
        assertThat(Secrets.matches(issued, Secrets.hash(issued))).isTrue();
        assertThat(Secrets.matches(issued + "x", Secrets.hash(issued))).isFalse();
    }
}
