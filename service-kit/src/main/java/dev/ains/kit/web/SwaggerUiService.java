package dev.ains.kit.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.microprofile.server.RoutingPath;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.staticcontent.StaticContentService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Swagger UI at {@code /openapi/ui/}, served from the swagger-ui webjar and pointed at this service's
 * own {@code /openapi} document (the webjar's stock initializer points at the petstore).
 */
@ApplicationScoped
@RoutingPath("/openapi/ui")
public class SwaggerUiService implements HttpService {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String INITIALIZER = """
            window.onload = function() {
              window.ui = SwaggerUIBundle({
                url: "/openapi",
                dom_id: '#swagger-ui',
                deepLinking: true,
                persistAuthorization: true,
                presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                layout: "StandaloneLayout"
              });
            };
            """;

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> {
                    if (!req.requestedUri().path().path().endsWith("/")) {
                        res.status(Status.MOVED_PERMANENTLY_301)
                                .header(HeaderNames.LOCATION, req.requestedUri().path().path() + "/")
                                .send();
                    } else {
                        res.next();
                    }
                })
                .get("/swagger-initializer.js", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/javascript");
                    res.send(INITIALIZER);
                })
                .register("/", StaticContentService.builder(WEBJAR + webjarVersion())
                        .welcomeFileName("index.html")
                        .build());
    }

    private static String webjarVersion() {
        String pom = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (InputStream in = SwaggerUiService.class.getClassLoader().getResourceAsStream(pom)) {
            if (in == null) {
                throw new IllegalStateException("swagger-ui webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
