package dev.ains.kit.error;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Malformed JSON and wrong types become a 400 naming the field. Registered with a high priority so that
 * it wins over the plain-text mappers that Jersey's Jackson feature brings.
 */
public final class JsonInputMapper {
    private JsonInputMapper() {
    }

    static Response toResponse(JsonProcessingException e) {
        if (e instanceof JsonMappingException jme && !(e instanceof JsonParseException)) {
            String field = jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String message;
            if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage())
                    .startsWith("Missing required creator property")) {
                // A required field left out is a validation error like any other: 422, named.
                String missing = field.isEmpty() ? "body" : field;
                return Problems.response(422, "validation", "Request is not valid", missing + ": is required",
                        List.of(new FieldError(missing, "is required"))).build();
            }
            if (e instanceof UnrecognizedPropertyException) {
                message = "unknown field";
            } else if (e instanceof InvalidFormatException ife) {
                message = "cannot read " + quote(ife.getValue()) + " as " + simpleType(ife.getTargetType());
            } else if (e instanceof MismatchedInputException mie) {
                message = "expected " + simpleType(mie.getTargetType());
            } else {
                message = jme.getOriginalMessage();
            }
            if (field.isEmpty()) {
                field = "body";
            }
            return Problems.response(400, "malformed-request", "Request body cannot be read",
                    field + ": " + message, List.of(new FieldError(field, message))).build();
        }
        return Problems.response(400, "malformed-json", "Request body is not valid JSON",
                e.getOriginalMessage(), List.of()).build();
    }

    private static String quote(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            return "one of " + java.util.Arrays.toString(values);
        }
        return switch (type.getSimpleName()) {
            case "Integer", "int", "Long", "long" -> "an integer";
            case "Double", "double", "Float", "float", "BigDecimal" -> "a number";
            case "Boolean", "boolean" -> "a boolean";
            case "String" -> "a string";
            case "UUID" -> "a UUID";
            case "OffsetDateTime", "Instant" -> "an ISO-8601 date-time";
            case "List", "ArrayList", "Set" -> "an array";
            default -> "an object";
        };
    }

    @Provider
    @Priority(1)
    public static class ParseMapper implements ExceptionMapper<JsonParseException> {
        @Override
        public Response toResponse(JsonParseException exception) {
            return JsonInputMapper.toResponse(exception);
        }
    }

    @Provider
    @Priority(1)
    public static class MappingMapper implements ExceptionMapper<JsonMappingException> {
        @Override
        public Response toResponse(JsonMappingException exception) {
            return JsonInputMapper.toResponse(exception);
        }
    }
}
