package dev.ains.kit.db;

import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * Where a service's data lives. {@code ains.db.url} (env {@code AINS_DB_URL}) names an existing
 * PostgreSQL; without it the service starts an embedded one. Each service works in its own schema.
 */
public record DatabaseSettings(String url, String user, String password, String schema, int poolSize,
                               int embeddedPort, Path embeddedDataDir, boolean embeddedDurable) {

    public static DatabaseSettings from(Config config) {
        return new DatabaseSettings(
                config.getOptionalValue("ains.db.url", String.class).filter(s -> !s.isBlank()).orElse(null),
                config.getOptionalValue("ains.db.user", String.class).orElse("postgres"),
                config.getOptionalValue("ains.db.password", String.class).orElse("postgres"),
                config.getValue("ains.db.schema", String.class),
                config.getOptionalValue("ains.db.pool-size", Integer.class).orElse(16),
                config.getOptionalValue("ains.db.embedded.port", Integer.class).orElse(0),
                config.getOptionalValue("ains.db.embedded.data-dir", String.class)
                        .filter(s -> !s.isBlank()).map(Path::of).orElse(null),
                config.getOptionalValue("ains.db.embedded.durable", Boolean.class).orElse(true));
    }

    /** The server URL, starting the embedded server when none is configured. */
    public String serverUrl() {
        return Optional.ofNullable(url)
                .orElseGet(() -> EmbeddedDatabase.start(embeddedPort, embeddedDataDir, embeddedDurable));
    }

    /**
     * The URL with the service's schema as the search path. DB Client binds values it has no JDBC type
     * for (UUID, for one) as strings; {@code stringtype=unspecified} lets PostgreSQL type them from the
     * column or cast instead of refusing varchar for a uuid column. {@code defaultRowFetchSize} makes a
     * query inside a transaction read its rows in pages through a cursor, so a large result (an export)
     * is streamed rather than held in memory; outside a transaction the driver reads everything anyway.
     */
    public String schemaUrl() {
        String base = serverUrl();
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&stringtype=unspecified&reWriteBatchedInserts=true&defaultRowFetchSize=1000&ApplicationName=ains-"
                + schema;
    }
}
