package dev.ains.tasks.service;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.security.Caller;
import dev.ains.kit.store.Cursor;
import dev.ains.tasks.store.TemplateStore;
import dev.ains.tasks.store.TemplateStore.TemplateRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Templates: saved task requests. A submission or a schedule that names a {@code template_id} starts
 * from the template's fields; every field it gives itself overrides the template's (an empty
 * {@code input_data} or {@code depends_on} counts as not given).
 */
@ApplicationScoped
public class TemplateService {
    @Inject
    TemplateStore store;
    @Inject
    TaskService tasks;

    public TemplateRecord create(Caller caller, String name, JsonNode task) {
        Check check = Check.of().required("name", name).maxLength("name", name, 200).required("task", task);
        List<dev.ains.kit.error.FieldError> taskErrors = List.of();
        if (task != null) {
            ((ObjectNode) task).remove("template_id");
            Check taskCheck = Check.of();
            tasks.prepare(taskCheck, caller, TaskRequests.fromJson(task), UUID.randomUUID());
            taskErrors = taskCheck.errors("task.");
        }
        if (check.hasErrors() || !taskErrors.isEmpty()) {
            var all = new java.util.ArrayList<>(check.errors(""));
            all.addAll(taskErrors);
            throw ApiProblem.invalid(all);
        }
        UUID id = UUID.randomUUID();
        store.insert(id, name, task, caller.id());
        return store.find(id).orElseThrow();
    }

    public TemplateRecord get(Caller caller, UUID id) {
        return store.find(id).filter(t -> caller.isAdmin() || caller.id().equals(t.createdBy()))
                .orElseThrow(() -> ApiProblem.notFound("template", id));
    }

    public void delete(Caller caller, UUID id) {
        get(caller, id);
        store.delete(id);
    }

    public List<TemplateRecord> list(Caller caller, Cursor after, int limit) {
        return store.list(caller.isAdmin() ? null : caller.id(), after, limit);
    }

    /**
     * The request with its template applied, or the request as is when it names none.
     *
     * @param field where the template id sits, for the error when it is unknown
     */
    public JsonNode resolve(Caller caller, JsonNode request, String field) {
        if (request == null || !request.hasNonNull("template_id")) {
            return request;
        }
        UUID id;
        try {
            id = UUID.fromString(request.get("template_id").asText());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(field, "not a template id");
        }
        TemplateRecord t = store.find(id).filter(x -> caller.isAdmin() || caller.id().equals(x.createdBy()))
                .orElseThrow(() -> ApiProblem.invalid(field, "no template " + id));
        ObjectNode merged = t.task().deepCopy();
        request.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            boolean given = !v.isNull() && !((v.isObject() || v.isArray()) && v.isEmpty());
            if (given && !e.getKey().equals("template_id")) {
                merged.set(e.getKey(), v);
            }
        });
        return merged;
    }
}
