package dev.ains.economy.store;

import java.time.OffsetDateTime;
import java.util.Optional;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Rows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** economic-service's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class AccountStore {
    @Inject
    Database database;

    public record AccountRow(String ownerId, String currency, long available, long pending, OffsetDateTime updatedAt) {
    }

    public Optional<AccountRow> find(String ownerId) {
        return database.client().execute().namedGet("select-account", ownerId).map(r -> new AccountRow(
                Rows.string(r, "owner_id"), Rows.string(r, "currency"), r.column("available").getLong(),
                r.column("pending").getLong(), Rows.time(r, "updated_at")));
    }
}
