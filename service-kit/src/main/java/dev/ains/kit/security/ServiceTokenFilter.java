package dev.ains.kit.security;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Adds this service's token to outbound MicroProfile REST client calls. Registered per client with
 * {@code <configKey>/mp-rest/providers}, since generated interfaces cannot carry annotations of ours.
 */
public class ServiceTokenFilter implements ClientRequestFilter {
    @Override
    public void filter(ClientRequestContext request) {
        if (!request.getHeaders().containsKey("Authorization")) {
            String token = CDI.current().select(JwtService.class).get().serviceToken();
            request.getHeaders().putSingle("Authorization", "Bearer " + token);
        }
    }
}
