package dev.ains.kit.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Secrets an operator chooses (the token-signing secret, the admin client's secret) are checked when a
 * service starts, and a bad one stops it: missing, short, a placeholder from an example file, or made of a
 * handful of characters. Only a local run ({@code ains.local=true}: a developer's machine or a test) may
 * go without a token secret, and gets a random one for the process.
 */
public final class SecretPolicy {
    private static final Logger LOG = Logger.getLogger(SecretPolicy.class.getName());
    /** Fragments of the placeholders the project itself has shipped in examples and defaults. */
    private static final List<String> PLACEHOLDERS = List.of("change-me", "changeme", "change_me",
            "ains-local-development-secret");
    /** Random secrets of this length have 25 or more distinct characters; a repeated word has a few. */
    private static final int MIN_DISTINCT_CHARS = 10;
    public static final int MIN_TOKEN_SECRET_BYTES = 32;
    public static final int MIN_OPERATOR_SECRET_CHARS = 16;

    private SecretPolicy() {
    }

    /** The secret that signs tokens: the configured one if it is good; a random one only in a local run. */
    public static String tokenSecret(Optional<String> configured, boolean local) {
        Optional<String> given = configured.filter(s -> !s.isBlank());
        if (given.isEmpty()) {
            if (!local) {
                throw new IllegalStateException("ains.auth.jwt-secret (AINS_AUTH_JWT_SECRET) is not set: refusing to"
                        + " start without a token secret. Give every service the same random one (openssl rand"
                        + " -base64 48); ains.local=true is for a developer's machine only");
            }
            LOG.warning("ains.local: no token secret configured, signing with a random one for this process only");
            return Secrets.generate("local-");
        }
        return requireStrong("ains.auth.jwt-secret", given.get(), MIN_TOKEN_SECRET_BYTES);
    }

    /**
     * Refuses a weak operator-chosen secret, naming the setting and the reason (never the secret).
     * Returns the secret.
     */
    public static String requireStrong(String setting, String secret, int minBytes) {
        String problem = weakness(secret, minBytes);
        if (problem != null) {
            throw new IllegalStateException(setting + " " + problem + ": refusing to start (generate one with"
                    + " openssl rand -base64 48)");
        }
        return secret;
    }

    /** Why the secret is weak, or null when it is not. */
    static String weakness(String secret, int minBytes) {
        if (secret == null || secret.isBlank()) {
            return "is not set";
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < minBytes) {
            return "is shorter than " + minBytes + " bytes";
        }
        String lower = secret.toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.stream().anyMatch(lower::contains)) {
            return "is a placeholder from an example";
        }
        if (secret.chars().distinct().count() < MIN_DISTINCT_CHARS) {
            return "has fewer than " + MIN_DISTINCT_CHARS + " different characters";
        }
        return null;
    }
}
