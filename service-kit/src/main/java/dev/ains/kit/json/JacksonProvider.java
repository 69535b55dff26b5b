package dev.ains.kit.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** Makes Jersey's Jackson provider use {@link Json#MAPPER}; Jackson is the only JSON provider on the path. */
@Provider
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public class JacksonProvider implements ContextResolver<ObjectMapper> {
    @Override
    public ObjectMapper getContext(Class<?> type) {
        return Json.MAPPER;
    }
}
