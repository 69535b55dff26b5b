package dev.ains.economy.rest;

import dev.ains.economy.api.AccountsApi;
import dev.ains.economy.api.model.Account;
import dev.ains.economy.service.AccountService;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class AccountsResource implements AccountsApi {
    @Inject
    AccountService accounts;
    @Context
    SecurityContext security;

    @Override
    public Response getAccount(String ownerId) {
        var a = accounts.account(Caller.of(security), ownerId);
        return Response.ok(new Account().ownerId(a.ownerId()).currency(a.currency()).available(a.available())
                .pending(a.pending()).updatedAt(a.updatedAt())).build();
    }
}
