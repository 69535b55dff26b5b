package dev.ains.kit.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

import dev.ains.kit.outbox.Outbox;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.flywaydb.core.Flyway;

/**
 * The service's database: migrates its schema at start-up (ordered files under {@code db/migration}),
 * then serves a Helidon DB Client whose named statements come from {@code db/statements.yaml} — the one
 * file that holds the service's SQL.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private final DbClient client;
    private final DatabaseSettings settings;
    private final List<Consumer<Set<String>>> eventsCommitted = new CopyOnWriteArrayList<>();
    /** What open transactions of {@link #inTransaction} run once they have committed. */
    private static final Map<DbExecute, List<Runnable>> AFTER_COMMIT = new ConcurrentHashMap<>();

    @Inject
    public Database(Config config) {
        this.settings = DatabaseSettings.from(config);
        String url = settings.schemaUrl();
        long t0 = System.nanoTime();
        var result = Flyway.configure()
                .dataSource(url, settings.user(), settings.password())
                .schemas(settings.schema())
                .defaultSchema(settings.schema())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "schema " + settings.schema() + " at version " + result.targetSchemaVersion + " ("
                + result.migrationsExecuted + " migrations applied in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        // HikariCP (found through the pool provider SPI) takes its own property names beside url/username.
        io.helidon.config.Config pool = io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "url", url,
                "username", settings.user(),
                "password", settings.password(),
                "maximumPoolSize", String.valueOf(settings.poolSize()),
                "minimumIdle", "2",
                "poolName", "ains-" + settings.schema(),
                "connectionTimeout", "10000")));
        io.helidon.config.Config statements = io.helidon.config.Config.builder()
                .addSource(ConfigSources.classpath("db/statements.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        this.client = JdbcClientBuilder.create()
                .connectionPool(JdbcConnectionPool.create(pool))
                .statements(DbStatements.create(statements.get("statements")))
                .build();
    }

    public DbClient client() {
        return client;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. The outbox
     * events it adds are written with one statement just before the commit.
     */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = client.transaction();
        T result;
        Set<String> wrote;
        List<Runnable> then = new ArrayList<>();
        Outbox.begin(tx);
        AFTER_COMMIT.put(tx, then);
        try {
            result = work.apply(tx);
            wrote = Outbox.flush(tx);
        } catch (RuntimeException | Error e) {
            Outbox.discard(tx);
            AFTER_COMMIT.remove(tx);
            try {
                tx.rollback();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        AFTER_COMMIT.remove(tx);
        tx.commit();
        if (!wrote.isEmpty()) {
            eventsCommitted.forEach(l -> l.accept(wrote));
        }
        then.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code action} once the transaction has committed (a wake-up for a worker that should see what
     * it wrote), never when it rolls back. Outside a transaction of {@link #inTransaction}, runs it now.
     */
    public static void afterCommit(DbExecute tx, Runnable action) {
        List<Runnable> then = AFTER_COMMIT.get(tx);
        if (then == null) {
            action.run();
        } else {
            then.add(action);
        }
    }

    /** Called after each commit that wrote outbox events, with their destinations (the relay wakes on it). */
    public void onEventsCommitted(Consumer<Set<String>> listener) {
        eventsCommitted.add(listener);
    }

    public void inTransactionRun(java.util.function.Consumer<DbTransaction> work) {
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    public boolean ping() {
        return client.execute().query("SELECT 1").findFirst().isPresent();
    }

    @PreDestroy
    void close() {
        client.close();
    }

}
