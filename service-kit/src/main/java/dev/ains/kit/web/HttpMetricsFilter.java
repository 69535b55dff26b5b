package dev.ains.kit.web;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * {@code http_server_request_duration_seconds}: a histogram per method, route template and status for
 * every API request, so that rates, error ratios and p95/p99 come from one metric. The route is the
 * matched template ({@code /aitp/tasks/{task_id}}), never the raw path, to keep label cardinality bounded.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class HttpMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    public static final String METRIC = "http_server_request_duration_seconds";
    private static final String START = HttpMetricsFilter.class.getName() + ".start";
    private static final Metadata METADATA = Metadata.builder()
            .withName(METRIC)
            .withDescription("API request duration by method, route and status")
            .withUnit(MetricUnits.NONE)
            .build();

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    /** Timers by method, route and status: the registry lookup is not free on every request. */
    private final java.util.Map<String, org.eclipse.microprofile.metrics.Timer> timers =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object start = request.getProperty(START);
        if (!(start instanceof Long t0)) {
            return;
        }
        long nanos = System.nanoTime() - t0;
        String method = request.getMethod();
        String route = route(request.getUriInfo());
        int status = response.getStatus();
        timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> registry.timer(METADATA,
                        new Tag("method", method), new Tag("route", route), new Tag("status", String.valueOf(status))))
                .update(Duration.ofNanos(nanos));
    }

    private static String route(UriInfo uriInfo) {
        if (uriInfo instanceof org.glassfish.jersey.server.ExtendedUriInfo ext
                && !ext.getMatchedTemplates().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            var templates = ext.getMatchedTemplates();
            for (int i = templates.size() - 1; i >= 0; i--) {
                String t = templates.get(i).getTemplate();
                if (!t.equals("/") || sb.isEmpty()) {
                    sb.append(t.startsWith("/") || t.isEmpty() ? t : "/" + t);
                }
            }
            String r = sb.toString().replaceAll("//+", "/");
            return r.isEmpty() ? "/" : r;
        }
        return "unmatched";
    }
}
