package dev.ains.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Verified tokens are cached, but never past their expiry and never for a token that differs by a byte. */
class JwtServiceTest {
    private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final JwtService jwt = new JwtService(SECRET, 3600, "test", clock);

    @Test
    void aVerifiedTokenIsAnsweredAgainUntilItExpires() {
        String token = jwt.issue("cl_1", List.of(Roles.CLIENT), 60);
        Caller first = jwt.verify(token).orElseThrow();
        assertThat(first.id()).isEqualTo("cl_1");
        assertThat(first.has(Roles.CLIENT)).isTrue();
        assertThat(jwt.verify(token)).containsSame(first); // from the cache

        clock.advance(Duration.ofSeconds(59));
        assertThat(jwt.verify(token)).isPresent();
        clock.advance(Duration.ofSeconds(2));
        assertThat(jwt.verify(token)).isEmpty(); // cached, but expired
        assertThat(jwt.verify(token)).isEmpty(); // and parsed again: still expired
    }

    @Test
    void aTamperedOrForeignTokenIsRefusedEvenWhenTheOriginalIsCached() {
        String token = jwt.issue("cl_1", List.of(Roles.CLIENT), 60);
        assertThat(jwt.verify(token)).isPresent();
        String[] parts = token.split("\\.");
        String admin = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"iss\":\"ains\",\"sub\":\"cl_1\",\"roles\":[\"admin\"]}".getBytes());
        assertThat(jwt.verify(parts[0] + "." + admin + "." + parts[2])).isEmpty();
        assertThat(jwt.verify(token.substring(0, token.length() - 2) + "AA")).isEmpty();
        JwtService other = new JwtService("another-secret-that-is-long-enough-0123456789", 3600, "x", clock);
        assertThat(jwt.verify(other.issue("cl_1", List.of(Roles.ADMIN), 60))).isEmpty();
    }

    @Test
    void theCacheStaysBounded() {
        for (int i = 0; i < JwtService.MAX_CACHED + 10; i++) {
            assertThat(jwt.verify(jwt.issue("cl_" + i, List.of(Roles.CLIENT), 60))).isPresent();
        }
        assertThat(jwt.cachedTokens()).isLessThanOrEqualTo(JwtService.MAX_CACHED);
        String token = jwt.issue("cl_last", List.of(Roles.CLIENT), 60);
        assertThat(jwt.verify(token).orElseThrow().id()).isEqualTo("cl_last");
    }
}
