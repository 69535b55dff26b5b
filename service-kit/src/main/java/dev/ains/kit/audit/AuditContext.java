package dev.ains.kit.audit;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

/**
 * What an operation tells the audit log about a request that carried no credentials the auth filter could read: a
 * sign-in names the client it tries to act as, and an audit row of {@code anonymous} would hide which client's
 * secret was being guessed.
 */
@RequestScoped
public class AuditContext {
    private String claimedActor;

    /** The identity the request claims, recorded as the actor when the caller was not authenticated. */
    public void claimActor(String id) {
        claimedActor = id;
    }

    Optional<String> claimedActor() {
        return Optional.ofNullable(claimedActor);
    }
}
