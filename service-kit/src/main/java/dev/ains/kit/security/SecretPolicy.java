package dev.ains.kit.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Secrets an operator chooses (the admin client's secret) are checked when a service starts, and a bad one
 * stops it: missing, short, a placeholder from an example file, or made of a handful of characters. (Tokens are
 * signed with keys each service makes itself, {@link SigningKeys}: there is no shared secret to choose.)
 */
public final class SecretPolicy {
    /** Fragments of the placeholders the project itself has shipped in examples and defaults. */
    private static final List<String> PLACEHOLDERS = List.of("change-me", "changeme", "change_me",
            "ains-local-development-secret");
    /** Random secrets of this length have 25 or more distinct characters; a repeated word has a few. */
    private static final int MIN_DISTINCT_CHARS = 10;
    public static final int MIN_OPERATOR_SECRET_CHARS = 16;

    private SecretPolicy() {
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
