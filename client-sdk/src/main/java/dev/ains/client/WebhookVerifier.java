package dev.ains.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AINS webhook requests (Standard Webhooks): the {@code webhook-signature} header must hold a
 * {@code v1,<base64 HMAC-SHA256>} of {@code "<webhook-id>.<webhook-timestamp>.<body>"} made with one of
 * the endpoint's secrets, and the timestamp must be within the tolerance of now (replays are refused).
 * Comparison is constant-time. Give both secrets while a rotation's grace period runs.
 *
 * <pre>{@code
 * WebhookVerifier verifier = new WebhookVerifier(List.of(System.getenv("AINS_WEBHOOK_SECRET")));
 * verifier.verify(request.headers(), rawBody);   // throws WebhookVerifier.Failure when not genuine
 * // then de-duplicate by the webhook-id header: a delivery can arrive more than once
 * }</pre>
 */
public final class WebhookVerifier {
    private static final String PREFIX = "whsec_";
    private final List<byte[]> keys;
    private final Duration tolerance;

    /** The request is not a genuine, fresh AINS webhook. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message);
        }
    }

    /** Verifier with the default tolerance of 5 minutes. */
    public WebhookVerifier(List<String> secrets) {
        this(secrets, Duration.ofMinutes(5));
    }

    public WebhookVerifier(List<String> secrets, Duration tolerance) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed");
        }
        this.keys = secrets.stream().map(WebhookVerifier::key).toList();
        this.tolerance = tolerance;
    }

    /** Verifies with headers as most servers give them (names in any case). */
    public void verify(Map<String, List<String>> headers, String body) throws Failure {
        verify(header(headers, "webhook-id"), header(headers, "webhook-timestamp"),
                header(headers, "webhook-signature"), body, Instant.now());
    }

    /** Verifies one request; {@code now} is a parameter for tests. */
    public void verify(String id, String timestamp, String signatureHeader, String body, Instant now) throws Failure {
        if (id == null || timestamp == null || signatureHeader == null) {
            throw new Failure("missing webhook-id, webhook-timestamp or webhook-signature header");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Failure("webhook-timestamp is not a number of seconds");
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            throw new Failure("webhook-timestamp is outside the tolerance of " + tolerance);
        }
        byte[] signed = (id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8);
        for (byte[] key : keys) {
            byte[] expected = Base64.getEncoder().encode(hmac(key, signed));
            for (String candidate : signatureHeader.trim().split(" +")) {
                int comma = candidate.indexOf(',');
                if (comma > 0 && candidate.substring(0, comma).equals("v1") && MessageDigest.isEqual(expected,
                        candidate.substring(comma + 1).getBytes(StandardCharsets.US_ASCII))) {
                    return;
                }
            }
        }
        throw new Failure("no signature matches");
    }

    /**
     * Signs like the platform does: the {@code webhook-signature} value for one secret. For testing your
     * receiver (e.g. a WireMock or unit test sending a signed request to it).
     */
    public static String sign(String secret, String id, long timestamp, String body) {
        byte[] mac = hmac(key(secret), (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }

    private static byte[] key(String secret) {
        String s = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        return Base64.getDecoder().decode(s);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
