package dev.ains.kit.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A state-changing operation left out of the audit log, with the reason: its effects are already recorded with the
 * caller and the time by the service itself (a task's creator, an attempt's agent), and it runs thousands of times
 * a second on the hot path, where a row per call would cost the database what #11 took out of it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NotAudited {
    /** Where the operation's effects are recorded instead. */
    String value();
}
