package dev.ains.kit.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Issued secrets (API keys, client secrets): 256 random bits, shown once, stored only as a SHA-256 hash.
 * A slow password hash buys nothing for secrets with this much entropy and would slow every request.
 * Secrets a person chose (the operator's admin secret) have far less entropy: they are stored with a
 * slow hash ({@link #slowHash}, PBKDF2-HMAC-SHA256), and {@link #matches} tells the two apart.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SLOW = "pbkdf2-sha256";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    static final int SLOW_ITERATIONS = 600_000;

    /** A slow, salted hash for a secret a person chose: {@code pbkdf2-sha256$iterations$salt$hash}. */
    public static String slowHash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return slowHash(secret, salt, SLOW_ITERATIONS);
    }

    private static String slowHash(String secret, byte[] salt, int iterations) {
        try {
            var spec = new javax.crypto.spec.PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
            byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
                    .getEncoded();
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return SLOW + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the secret matches what was stored for it (a slow hash or a SHA-256 one), in constant time. */
    public static boolean matches(String secret, String stored) {
        if (stored.startsWith(SLOW + "$")) {
            String[] parts = stored.split("\\$");
            String again = slowHash(secret, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
            return equalHashes(again, stored);
        }
        return equalHashes(hash(secret), stored);
    }

    public static boolean equalHashes(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
