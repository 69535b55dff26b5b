package dev.ains.kit.security;

/** The roles a caller can hold. A JWT carries them in its {@code roles} claim; an API key makes an agent. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String CLIENT = "client";
    public static final String SERVICE = "service";
    public static final String AGENT = "agent";

    private Roles() {
    }
}
