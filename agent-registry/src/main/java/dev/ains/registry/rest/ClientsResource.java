package dev.ains.registry.rest;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.registry.api.ClientsApi;
import dev.ains.registry.api.model.ClientCredentials;
import dev.ains.registry.api.model.ClientRegistration;
import dev.ains.registry.api.model.TokenRequest;
import dev.ains.registry.api.model.TokenResponse;
import dev.ains.registry.service.ClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow(Allow.PUBLIC)
public class ClientsResource implements ClientsApi {
    @Inject
    ClientService clients;
    @Inject
    dev.ains.kit.security.JwtService jwt;
    @Context
    SecurityContext security;

    @Override
    public Response createClient(ClientRegistration body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        Caller caller = security != null && security.getUserPrincipal() instanceof Caller c ? c : null;
        var r = clients.register(caller, body.getName(), body.getRoles());
        return Response.status(201).entity(new ClientCredentials().clientId(r.clientId()).clientSecret(r.secret())
                .name(r.name()).roles(r.roles()).createdAt(r.createdAt())).build();
    }

    @Override
    public Response issueToken(TokenRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        String token = clients.token(body.getClientId(), body.getClientSecret());
        return Response.ok(new TokenResponse().accessToken(token).tokenType("Bearer").expiresIn(jwt.ttlSeconds()))
                .build();
    }
}
