package dev.ains.registry.service;

import java.time.OffsetDateTime;

/** A credential just issued in place of another (shown once), and until when the replaced one works. */
public record Rotated(String secret, OffsetDateTime previousValidUntil) {
}
