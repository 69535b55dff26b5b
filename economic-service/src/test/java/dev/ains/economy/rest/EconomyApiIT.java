package dev.ains.economy.rest;

import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.Test;

/** economic-service's foundation: schema, health, metrics, contract and balances. */
@HelidonTest
@AddConfig(key = "ains.db.embedded.durable", value = "false")
class EconomyApiIT {
    @Inject
    WebTarget target;
    @Inject
    JwtService jwt;

    @Test
    void servesHealthMetricsContractAndBalances() {
        Api api = new Api(target);
        assertThat(api.text("/health/ready")).contains("\"schema\":\"economy\"");
        assertThat(api.text("/openapi")).contains("AINS economic service");
        Auth owner = Auth.bearer(jwt.issue("cl_owner", List.of(Roles.CLIENT), 60));

        JsonNode a = json(api.get("/economy/accounts/cl_owner", owner), 200);
        assertThat(a.get("available").asLong()).isZero();
        assertThat(a.get("currency").asText()).isEqualTo("USD");
        json(api.get("/economy/accounts/cl_someone_else", owner), 403);
        json(api.get("/economy/accounts/cl_owner", null), 401);
        assertThat(api.text("/metrics")).contains("route=\"/economy/accounts/{owner_id}\"");
    }
}
