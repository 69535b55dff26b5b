package dev.ains.tasks.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.tasks.api.TemplatesApi;
import dev.ains.tasks.api.model.TaskRequest;
import dev.ains.tasks.api.model.Template;
import dev.ains.tasks.api.model.TemplatePage;
import dev.ains.tasks.api.model.TemplateRequest;
import dev.ains.tasks.service.TemplateService;
import dev.ains.tasks.store.TemplateStore.TemplateRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class TemplatesResource implements TemplatesApi {
    @Inject
    TemplateService templates;
    @Context
    SecurityContext security;

    @Override
    public Response createTemplate(TemplateRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        JsonNode task = body.getTask() == null ? null : Json.MAPPER.valueToTree(body.getTask());
        TemplateRecord t = templates.create(Caller.of(security), body.getName(), task);
        return Response.created(URI.create("/aitp/templates/" + t.templateId())).entity(template(t)).build();
    }

    @Override
    public Response listTemplates(Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<TemplateRecord> rows = templates.list(Caller.of(security), Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, TemplatesResource::template, t -> Cursor.after(t.createdAt(), t.templateId()));
        return Response.ok(new TemplatePage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response getTemplate(UUID templateId) {
        return Response.ok(template(templates.get(Caller.of(security), templateId))).build();
    }

    @Override
    public Response deleteTemplate(UUID templateId) {
        templates.delete(Caller.of(security), templateId);
        return Response.noContent().build();
    }

    private static Template template(TemplateRecord t) {
        return new Template().templateId(t.templateId()).name(t.name())
                .task(Json.MAPPER.convertValue(t.task(), TaskRequest.class)).createdBy(t.createdBy())
                .createdAt(t.createdAt());
    }
}
