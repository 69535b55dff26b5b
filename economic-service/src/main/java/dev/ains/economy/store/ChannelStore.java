package dev.ains.economy.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;

/** Payment channels' data access; the statements are in {@code db/statements.yaml}. */
@ApplicationScoped
public class ChannelStore {
    public record ChannelRow(String channelId, String clientId, String agentId, long deposit, String currency,
                             String status, long nonce, long cumulativeAmount, String settledBy,
                             OffsetDateTime expiresAt, OffsetDateTime createdAt, OffsetDateTime settledAt) {
        /** The escrow that holds the deposit. */
        public String escrowId() {
            return "channel:" + channelId;
        }
    }

    public boolean insert(DbExecute tx, String id, String client, String agent, long deposit, String currency,
                          long expiresInSeconds) {
        return tx.namedQuery("insert-channel", id, client, agent, deposit, currency, (double) expiresInSeconds)
                .findFirst().isPresent();
    }

    public Optional<ChannelRow> find(DbExecute exec, String id) {
        return exec.namedGet("select-channel", id).map(ChannelStore::channel);
    }

    public Optional<ChannelRow> lock(DbExecute tx, String id) {
        return tx.namedGet("lock-channel", id).map(ChannelStore::channel);
    }

    public void pay(DbExecute tx, String id, long nonce, long cumulative) {
        tx.namedUpdate("channel-payment", nonce, cumulative, id);
    }

    public void settled(DbExecute tx, String id, String by) {
        tx.namedUpdate("settle-channel", by, id);
    }

    public List<String> lockExpired(DbExecute tx) {
        return tx.namedQuery("expired-channels").map(r -> Rows.string(r, "channel_id")).toList();
    }

    private static ChannelRow channel(DbRow r) {
        return new ChannelRow(Rows.string(r, "channel_id"), Rows.string(r, "client_id"), Rows.string(r, "agent_id"),
                r.column("deposit").getLong(), Rows.string(r, "currency"), Rows.string(r, "status"),
                r.column("nonce").getLong(), r.column("cumulative_amount").getLong(), Rows.string(r, "settled_by"),
                Rows.time(r, "expires_at"), Rows.time(r, "created_at"), Rows.time(r, "settled_at"));
    }
}
