package dev.ains.kit.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The operation reads HTTP Basic client credentials itself (the OAuth 2.0 token endpoint). Everywhere
 * else a Basic Authorization header is refused by the {@link AuthFilter}; here it is left to the operation.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BasicClientAuth {
}
