package dev.ains.kit.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server started from jars, at most one per JVM: every service and every test class
 * in the JVM shares it, each in its own schema. Started on first use, stopped when the JVM exits.
 */
public final class EmbeddedDatabase {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    private static EmbeddedPostgres server;
    private static volatile boolean stoppedByOwner;

    private EmbeddedDatabase() {
    }

    /**
     * @param port    0 for a free port
     * @param dataDir null for a throw-away directory
     * @param durable false turns off fsync and synchronous commit (tests only)
     * @return the JDBC URL of the {@code postgres} database
     */
    public static synchronized String start(int port, Path dataDir, boolean durable) {
        if (server == null) {
            try {
                long t0 = System.nanoTime();
                EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "400")
                        .setServerConfig("synchronous_commit", durable ? "on" : "off")
                        .setServerConfig("fsync", durable ? "on" : "off")
                        .setServerConfig("full_page_writes", durable ? "on" : "off")
                        .setServerConfig("shared_buffers", "256MB")
                        .setPGStartupWait(java.time.Duration.ofSeconds(60))
                        .setRegisterShutdownHook(false); // ours, below: it can wait for the services
                if (port > 0) {
                    b.setPort(port);
                }
                if (dataDir != null) {
                    Files.createDirectories(dataDir);
                    b.setDataDirectory(dataDir).setCleanDataDirectory(false);
                }
                server = b.start();
                EmbeddedPostgres s = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    if (!stoppedByOwner) {
                        stop();
                    }
                }, "embedded-postgres-stop"));
                LOG.info(() -> "embedded PostgreSQL started on port " + s.getPort() + " in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms" + (durable ? "" : " (non-durable)"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
            }
        }
        return server.getJdbcUrl("postgres", "postgres");
    }

    /**
     * The owner of this JVM stops the server itself, after its users ({@link #stop()} in its own
     * shutdown hook): shutdown hooks run all at once, and this one would pull the database away
     * from services still finishing their work.
     */
    public static void stoppedByOwner() {
        stoppedByOwner = true;
    }

    public static synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // the JVM is going away; the OS reclaims the server
            }
            server = null;
        }
    }

    public static synchronized int port() {
        return server == null ? -1 : server.getPort();
    }
}
