package dev.ains.tasks.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the
 * bytes behind a {@code whsec_<base64>} secret. Several secrets (during a rotation) give several
 * space-separated signatures in one header.
 */
public final class WebhookSignature {
    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret: 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Null when the secret is acceptable, else what is wrong with it. */
    public static String problem(String secret) {
        if (!secret.startsWith(PREFIX)) {
            return "must start with " + PREFIX;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return "must be " + PREFIX + " followed by base64";
        }
        return key.length < 24 || key.length > 64 ? "must hold 24 to 64 bytes of key" : null;
    }

    /** The {@code webhook-signature} header value for these secrets (current first). */
    public static String header(String id, long timestampSeconds, String body, List<String> secrets) {
        return secrets.stream().map(s -> "v1," + sign(id, timestampSeconds, body, s)).collect(Collectors.joining(" "));
    }

    static String sign(String id, long timestampSeconds, String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
            byte[] sig = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
