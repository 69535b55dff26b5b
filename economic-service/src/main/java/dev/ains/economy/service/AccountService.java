package dev.ains.economy.service;

import dev.ains.economy.store.AccountStore;
import dev.ains.economy.store.AccountStore.AccountRow;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Balances: an owner (client or agent) sees its own account, an admin any. */
@ApplicationScoped
public class AccountService {
    @Inject
    AccountStore store;

    @Inject
    @ConfigProperty(name = "ains.economy.currency", defaultValue = "USD")
    String currency;

    public AccountRow account(Caller caller, String ownerId) {
        Check.of().required("owner_id", ownerId).maxLength("owner_id", ownerId, 200).orThrow();
        if (!caller.isAdmin() && !caller.id().equals(ownerId)) {
            throw ApiProblem.forbidden("only the owner or an admin may read account " + ownerId);
        }
        return store.find(ownerId).orElseGet(() -> new AccountRow(ownerId, currency, 0, 0, null));
    }
}
