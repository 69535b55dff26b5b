package dev.ains.economy.rest;

import dev.ains.economy.api.PreferencesApi;
import dev.ains.economy.api.model.Preferences;
import dev.ains.economy.service.Auctions;
import dev.ains.economy.store.AuctionStore.PreferencesRow;
import dev.ains.kit.error.ApiProblem;
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
public class PreferencesResource implements PreferencesApi {
    @Inject
    Auctions auctions;
    @Context
    SecurityContext security;

    @Override
    public Response getPreferences() {
        return Response.ok(model(auctions.preferences(Caller.of(security)))).build();
    }

    @Override
    public Response putPreferences(Preferences body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        PreferencesRow d = PreferencesRow.DEFAULTS;
        var saved = auctions.savePreferences(Caller.of(security), new PreferencesRow(
                or(body.getWeightPrice(), d.weightPrice()), or(body.getWeightPerformance(), d.weightPerformance()),
                or(body.getWeightSpeed(), d.weightSpeed()), or(body.getWeightReputation(), d.weightReputation()),
                body.getMaxPrice(), body.getMinConfidence(), body.getMaxEtaSeconds(), body.getMinReputation(),
                Boolean.TRUE.equals(body.getFreeOnly()),
                body.getNoBidPolicy() == null ? d.noBidPolicy() : body.getNoBidPolicy().toString()));
        return Response.ok(model(saved)).build();
    }

    private static double or(Double v, double fallback) {
        return v == null ? fallback : v;
    }

    private static Preferences model(PreferencesRow p) {
        return new Preferences().weightPrice(p.weightPrice()).weightPerformance(p.weightPerformance())
                .weightSpeed(p.weightSpeed()).weightReputation(p.weightReputation()).maxPrice(p.maxPrice())
                .minConfidence(p.minConfidence()).maxEtaSeconds(p.maxEtaSeconds()).minReputation(p.minReputation())
                .freeOnly(p.freeOnly()).noBidPolicy(Preferences.NoBidPolicyEnum.fromValue(p.noBidPolicy()));
    }
}
