package dev.ains.kit.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * JSON for outbound MicroProfile REST clients (registered per client with {@code mp-rest/providers}):
 * the same dates as the server side, tolerant of fields a newer neighbour adds.
 */
public class ClientJacksonProvider implements ContextResolver<ObjectMapper> {
    @Override
    public ObjectMapper getContext(Class<?> type) {
        return Json.LENIENT;
    }
}
