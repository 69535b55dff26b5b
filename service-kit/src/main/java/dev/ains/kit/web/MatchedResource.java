package dev.ains.kit.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.glassfish.jersey.server.ExtendedUriInfo;

/**
 * The resource class and the implementation's method that serve a request (generated interfaces carry the JAX-RS
 * annotations, our classes ours), for filters that read our annotations ({@code @Allow}, {@code @NotAudited}).
 */
public record MatchedResource(Class<?> type, Method method) {
    /** Null when no resource method matched. */
    public static MatchedResource of(ContainerRequestContext request, ResourceInfo resourceInfo) {
        Class<?> type = null;
        Method m = null;
        // Jersey's own view of the matched method: the injected ResourceInfo proxy was seen missing
        // when a second CDI container started in the same JVM (test classes one after another)
        if (request.getUriInfo() instanceof ExtendedUriInfo info && info.getMatchedResourceMethod() != null) {
            var invocable = info.getMatchedResourceMethod().getInvocable();
            type = invocable.getHandler().getHandlerClass();
            m = invocable.getDefinitionMethod();
        } else if (resourceInfo != null) {
            type = resourceInfo.getResourceClass();
            m = resourceInfo.getResourceMethod();
        }
        if (type == null || m == null) {
            return null;
        }
        try {
            return new MatchedResource(type, type.getMethod(m.getName(), m.getParameterTypes()));
        } catch (NoSuchMethodException e) {
            return new MatchedResource(type, m);
        }
    }

    /** The annotation on the method, else on its class (or a superclass); null when none. */
    public <A extends Annotation> A annotation(Class<A> kind) {
        if (method.isAnnotationPresent(kind)) {
            return method.getAnnotation(kind);
        }
        Class<?> t = type;
        while (t != null && t != Object.class) {
            if (t.isAnnotationPresent(kind)) {
                return t.getAnnotation(kind);
            }
            t = t.getSuperclass();
        }
        return null;
    }
}
