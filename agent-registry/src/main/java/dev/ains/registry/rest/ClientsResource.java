package dev.ains.registry.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.ains.kit.audit.AuditContext;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.security.BasicClientAuth;
import dev.ains.kit.security.SigningKeys;
import dev.ains.registry.api.ClientsApi;
import dev.ains.registry.api.model.ClientCredentials;
import dev.ains.registry.api.model.ClientRegistration;
import dev.ains.registry.api.model.KeyRotation;
import dev.ains.registry.api.model.Rotation;
import dev.ains.registry.api.model.RotatedSecret;
import dev.ains.registry.api.model.TokenRequest;
import dev.ains.registry.api.model.TokenRevocation;
import dev.ains.registry.api.model.TokenResponse;
import dev.ains.registry.service.ClientService;
import dev.ains.registry.service.RevocationService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow(Allow.PUBLIC)
public class ClientsResource implements ClientsApi {
    @Inject
    SigningKeys signingKeys;
    @Inject
    RevocationService revocations;
    @Inject
    ClientService clients;
    @Inject
    dev.ains.kit.security.JwtService jwt;
    @Inject
    AuditContext audit;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

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
    @Allow({Roles.CLIENT})
    public Response rotateClientSecret(String clientId, Rotation body) {
        var r = clients.rotateSecret(Caller.of(security), clientId, body == null ? null : body.getGraceSeconds());
        return Response.ok(new RotatedSecret().secret(r.secret()).previousValidUntil(r.previousValidUntil()))
                .header("Cache-Control", "no-store").build();
    }

    /** RFC 7009 token revocation: the token's own client (with any of its tokens) or an admin. */
    @Override
    @Allow({Roles.CLIENT})
    public Response revokeToken(TokenRevocation body) {
        revocations.revokeToken(Caller.of(security), body == null ? null : body.getToken());
        return Response.ok().header("Cache-Control", "no-store").build();
    }

    @Override
    @Allow({Roles.ADMIN})
    public Response rotateSigningKey() {
        SigningKeys.Published key = signingKeys.rotate();
        return Response.accepted(new KeyRotation().kid(key.kid())
                .signsFrom(key.signsFrom().atOffset(java.time.ZoneOffset.UTC))).build();
    }

    /**
     * The OAuth 2.0 token endpoint (client credentials grant, RFC 6749 §4.4), also taking the JSON body it
     * had before. The client authenticates with HTTP Basic or with its id and secret in the body, not both.
     */
    @Override
    @BasicClientAuth
    public Response issueToken(TokenRequest body) {
        MediaType type = headers.getMediaType();
        boolean form = type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        TokenRequest request = body != null ? body : new TokenRequest();
        String[] basic = basicCredentials(headers.getHeaderString(HttpHeaders.AUTHORIZATION), form);
        if (form && request.getGrantType() == null) {
            throw OAuthError.invalidRequest("grant_type is required (client_credentials)", true);
        }
        if (request.getGrantType() != null && !"client_credentials".equals(request.getGrantType())) {
            throw OAuthError.unsupportedGrantType(request.getGrantType(), form);
        }
        String clientId = request.getClientId();
        String secret = request.getClientSecret();
        if (basic != null) {
            if (secret != null || (clientId != null && !clientId.equals(basic[0]))) {
                throw OAuthError.invalidRequest("authenticate with HTTP Basic or with client_id and client_secret"
                        + " in the body, not both", form);
            }
            clientId = basic[0];
            secret = basic[1];
        } else if (form && (clientId == null || secret == null)) {
            throw OAuthError.invalidRequest((clientId == null ? "client_id" : "client_secret")
                    + " is required (in the form or as HTTP Basic)", true);
        }
        if (clientId != null) {
            audit.claimActor(clientId); // a failed sign-in is audited under the client it named
        }
        String token;
        try {
            token = clients.token(clientId, secret);
        } catch (ApiProblem p) {
            switch (p.status()) {
                case 401 -> throw OAuthError.invalidClient(p.getMessage(), form, basic != null);
                case 429 -> throw OAuthError.lockedOut(p, form, basic != null);
                default -> throw p;
            }
        }
        return Response.ok(new TokenResponse().accessToken(token).tokenType("Bearer").expiresIn(jwt.ttlSeconds()))
                .type(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .build();
    }

    /**
     * The id and secret of an HTTP Basic Authorization header (each form-encoded first, RFC 6749 §2.3.1),
     * or null when the request carries none (a Bearer token, checked by the auth filter, is not one).
     */
    private static String[] basicCredentials(String authorization, boolean form) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("no colon");
            }
            return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidRequest("the Basic Authorization header is not base64 of id:secret", form);
        }
    }
}
