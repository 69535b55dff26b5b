package dev.ains.economy.rest;

import java.net.URI;

import dev.ains.economy.api.ChannelsApi;
import dev.ains.economy.api.model.Channel;
import dev.ains.economy.api.model.ChannelPayment;
import dev.ains.economy.api.model.ChannelRequest;
import dev.ains.economy.api.model.ChannelSettlement;
import dev.ains.economy.service.Channels;
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
@Allow(Roles.CLIENT)
public class ChannelsResource implements ChannelsApi {
    @Inject
    Channels channels;
    @Context
    SecurityContext security;

    @Override
    public Response openChannel(ChannelRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var out = channels.open(Caller.of(security), body.getChannelId(), body.getClientId(), body.getAgentId(),
                body.getDeposit(), body.getCurrency(), body.getExpiresInSeconds());
        return out.created()
                ? Response.created(URI.create("/economy/channels/" + body.getChannelId())).entity(channel(out.value()))
                        .build()
                : Response.ok(channel(out.value())).build();
    }

    @Override
    public Response getChannel(String channelId) {
        return Response.ok(channel(channels.get(Caller.of(security), channelId))).build();
    }

    @Override
    public Response payOnChannel(String channelId, ChannelPayment body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return Response.ok(channel(channels.pay(Caller.of(security), channelId, body.getNonce(),
                body.getCumulativeAmount()))).build();
    }

    @Override
    public Response settleChannel(String channelId, ChannelSettlement body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return Response.ok(channel(channels.settle(Caller.of(security), channelId, body.getSettlementId()))).build();
    }

    private static Channel channel(Channels.View v) {
        var c = v.channel();
        var e = v.escrow();
        boolean settled = e != null && "POSTED".equals(e.status());
        return new Channel().channelId(c.channelId()).clientId(c.clientId()).agentId(c.agentId()).deposit(c.deposit())
                .currency(c.currency()).status(Channel.StatusEnum.fromValue(c.status())).nonce(c.nonce())
                .cumulativeAmount(c.cumulativeAmount())
                .paidToAgent(settled ? e.postedAmount() - e.fee() : null).fee(settled ? e.fee() : null)
                .returnedAmount(settled ? e.returnedAmount() : null).settledBy(c.settledBy())
                .expiresAt(c.expiresAt()).createdAt(c.createdAt()).settledAt(c.settledAt());
    }
}
