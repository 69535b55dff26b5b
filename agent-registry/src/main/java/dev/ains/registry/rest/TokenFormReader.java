package dev.ains.registry.rest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import dev.ains.registry.api.model.TokenRequest;
import dev.ains.registry.api.model.TokenRevocation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

/**
 * Reads an OAuth 2.0 token request (RFC 6749 §4.4.2) or token revocation (RFC 7009 §2.1) sent as a form
 * ({@code application/x-www-form-urlencoded}) into the same {@link TokenRequest} or {@link TokenRevocation} a
 * JSON body becomes. Unknown parameters are ignored, as the RFCs ask; a repeated one is an {@code invalid_request}.
 */
@Provider
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class TokenFormReader implements MessageBodyReader<Object> {
    /** A token request is a few hundred bytes; anything much longer is not one. */
    static final int MAX_BYTES = 8192;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == TokenRequest.class || type == TokenRevocation.class;
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations,
                                 MediaType mediaType, MultivaluedMap<String, String> headers, InputStream in)
            throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw OAuthError.invalidRequest("the form is longer than " + MAX_BYTES + " bytes", true);
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (form.putIfAbsent(name, value) != null) {
                throw OAuthError.invalidRequest("parameter " + name + " appears more than once", true);
            }
        }
        if (TokenRevocation.class.equals(type)) {
            return new TokenRevocation().token(blankToNull(form.get("token")))
                    .tokenTypeHint(blankToNull(form.get("token_type_hint")));
        }
        return new TokenRequest().grantType(blankToNull(form.get("grant_type")))
                .clientId(blankToNull(form.get("client_id"))).clientSecret(blankToNull(form.get("client_secret")))
                .scope(blankToNull(form.get("scope")));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidRequest("the form is not valid application/x-www-form-urlencoded", true);
        }
    }

    /** RFC 6749 §3.1: parameters sent without a value are treated as if they were omitted. */
    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
