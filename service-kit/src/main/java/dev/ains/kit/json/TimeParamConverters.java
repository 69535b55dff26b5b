package dev.ains.kit.json;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * Lets query parameters be ISO-8601 date-times ({@code 2026-11-23T10:00:00Z}) or plain dates (midnight
 * UTC). A value that is neither becomes a 400 naming the parameter.
 */
@Provider
public class TimeParamConverters implements ParamConverterProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != OffsetDateTime.class) {
            return null;
        }
        return (ParamConverter<T>) new ParamConverter<OffsetDateTime>() {
            @Override
            public OffsetDateTime fromString(String value) {
                if (value == null || value.isBlank()) {
                    return null;
                }
                if (value.length() == 10) {
                    return LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC);
                }
                return OffsetDateTime.parse(value);
            }

            @Override
            public String toString(OffsetDateTime value) {
                return value.toString();
            }
        };
    }
}
