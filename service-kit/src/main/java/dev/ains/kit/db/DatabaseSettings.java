package dev.ains.kit.db;

import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * Where a service's data lives. {@code ains.db.url} (env {@code AINS_DB_URL}) names an existing
 * PostgreSQL. Without it, a local run ({@code ains.local=true}: a developer's machine, the tests) starts an
 * embedded one; anywhere else the service refuses to start, because data written to a throw-away
 * database that nobody asked for would be lost. Each service works in its own schema.
 */
public record DatabaseSettings(String url, String user, String password, String schema, int poolSize,
                               int embeddedPort, Path embeddedDataDir, boolean embeddedDurable, boolean local) {

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
                config.getOptionalValue("ains.db.embedded.durable", Boolean.class).orElse(true),
                config.getOptionalValue("ains.local", Boolean.class).orElse(false));
    }

    /** The server URL, starting the embedded server when none is configured in a local run. */
    public String serverUrl() {
        if (url == null && !local) {
            throw new IllegalStateException("ains.db.url (AINS_DB_URL) is not set: refusing to start without a"
                    + " database (an embedded PostgreSQL is started only in a local run, ains.local=true)");
        }
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
