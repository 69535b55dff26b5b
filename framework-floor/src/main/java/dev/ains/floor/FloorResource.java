package dev.ains.floor;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Three endpoints that do the least their kind of request can do on our stack (Helidon MP, Jersey with
 * Jackson, Helidon DB Client over HikariCP and pgjdbc), no authentication, no checks: the floor that the
 * benchmark measures AINS's read and submission paths against (#11: "a minimal endpoint of the same
 * framework measured side by side"). Rows live in table {@code floor_rows} of schema {@code floor}.
 */
@ApplicationScoped
@Path("/floor")
@Produces(MediaType.APPLICATION_JSON)
public class FloorResource {
    private final DbClient db;

    @Inject
    public FloorResource(@ConfigProperty(name = "floor.db.url") String url,
                         @ConfigProperty(name = "floor.db.pool-size") int poolSize) {
        io.helidon.config.Config pool = io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "url", url, "maximumPoolSize", String.valueOf(poolSize), "minimumIdle", "2",
                "poolName", "floor", "connectionTimeout", "10000")));
        this.db = JdbcClientBuilder.create().connectionPool(JdbcConnectionPool.create(pool)).build();
        db.execute().dml("CREATE SCHEMA IF NOT EXISTS floor");
        db.execute().dml("CREATE TABLE IF NOT EXISTS floor.floor_rows (id bigserial PRIMARY KEY,"
                + " body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    }

    /** A JSON answer: Helidon, Jersey and Jackson, nothing else. */
    @GET
    @Path("/ping")
    public Map<String, Object> ping() {
        return Map.of("ok", true);
    }

    /** One primary-key read (autocommit), answered as JSON. */
    @GET
    @Path("/rows/{id}")
    public Map<String, Object> read(@PathParam("id") long id) {
        return db.execute().get("SELECT id, body::text AS body, created_at FROM floor.floor_rows WHERE id = ?", id)
                .map(r -> Map.<String, Object>of("id", r.column("id").getLong(), "body", r.column("body").getString(),
                        "created_at", r.column("created_at").get(Object.class).toString()))
                .orElseThrow(NotFoundException::new);
    }

    /** One insert and its durable commit (autocommit), answered 201 with the new row's id. */
    @POST
    @Path("/rows")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response insert(JsonNode body) {
        long id = db.execute().get("INSERT INTO floor.floor_rows (body) VALUES (?::jsonb) RETURNING id",
                body.toString()).orElseThrow().column("id").getLong();
        return Response.status(201).entity(Map.of("id", id)).build();
    }
}
