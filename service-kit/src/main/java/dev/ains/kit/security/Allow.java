package dev.ains.kit.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The roles that may call a resource method (or every method of a class). Without it a resource needs
 * an authenticated caller of any role; {@link #PUBLIC} in the list opens it to anyone. An admin may call
 * anything, except operations for services alone ({@code @Allow({Roles.SERVICE})}): those take a service's
 * own identity.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Allow {
    String PUBLIC = "public";

    String[] value();
}
