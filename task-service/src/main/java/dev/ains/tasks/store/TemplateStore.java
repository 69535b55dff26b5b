package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.json.Json;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Templates' data access; the statements are in {@code db/statements.yaml}. */
@ApplicationScoped
public class TemplateStore {
    @Inject
    Database database;

    public record TemplateRecord(UUID templateId, String name, JsonNode task, String createdBy,
                                 OffsetDateTime createdAt) {
    }

    public void insert(UUID id, String name, JsonNode task, String createdBy) {
        database.client().execute().namedInsert("insert-template", id, name, Json.write(task), createdBy);
    }

    public Optional<TemplateRecord> find(UUID id) {
        return database.client().execute().namedGet("select-template", id).map(TemplateStore::template);
    }

    public void delete(UUID id) {
        database.client().execute().namedDelete("delete-template", id);
    }

    public List<TemplateRecord> list(String creator, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return database.client().execute().namedQuery("list-templates", creator, creator, at, at, id, limit)
                .map(TemplateStore::template).toList();
    }

    private static TemplateRecord template(DbRow r) {
        return new TemplateRecord(Rows.uuid(r, "template_id"), Rows.string(r, "name"),
                Json.tree(Rows.string(r, "task_text")), Rows.string(r, "created_by"), Rows.time(r, "created_at"));
    }
}
