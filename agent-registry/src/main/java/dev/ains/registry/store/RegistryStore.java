package dev.ains.registry.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.RevocationFeed;
import dev.ains.kit.security.Revocations;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** agent-registry's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class RegistryStore {
    @Inject
    Database database;

    public DbExecute db() {
        return database.client().execute();
    }

    /** {@code previousSecretHash}: the replaced secret's hash while its grace period lasts, else null. */
    public record ClientRecord(String clientId, String name, String secretHash, List<String> roles,
                               OffsetDateTime createdAt, String previousSecretHash) {
    }

    public void insertClient(DbExecute tx, String id, String name, String secretHash, List<String> roles) {
        tx.namedInsert("insert-client", id, name, secretHash, String.join(",", roles));
    }

    public void upsertClient(String id, String name, String secretHash, List<String> roles) {
        db().namedInsert("upsert-client", id, name, secretHash, String.join(",", roles));
    }

    /** When the client id's lock-out ends, if it is locked out now. */
    public Optional<OffsetDateTime> loginLockedUntil(String clientId) {
        return db().namedGet("login-locked-until", clientId).map(r -> Rows.time(r, "locked_until"));
    }

    /** Counts a failed secret for the client id (a new window when the last one is over); answers the count. */
    public int loginFailed(DbExecute tx, String clientId, int windowSeconds) {
        return tx.namedGet("login-failed", clientId, (double) windowSeconds, (double) windowSeconds)
                .map(r -> r.column("failures").getInt()).orElseThrow();
    }

    public void lockLogin(DbExecute tx, String clientId, int seconds) {
        tx.namedUpdate("login-lock", (double) seconds, clientId);
    }

    public void loginSucceeded(String clientId) {
        db().namedDelete("login-succeeded", clientId);
    }

    public long forgetOldLoginFailures(int windowSeconds) {
        return db().namedDelete("login-failures-expired", (double) windowSeconds);
    }

    public Optional<ClientRecord> findClient(String id) {
        return db().namedGet("select-client", id).map(r -> new ClientRecord(
                Rows.string(r, "client_id"), Rows.string(r, "name"), Rows.string(r, "secret_hash"),
                List.of(Rows.string(r, "roles").split(",")), Rows.time(r, "created_at"),
                Rows.string(r, "previous_secret_hash")));
    }

    /** The client's new secret hash; the old one is accepted for {@code graceSeconds} more. Empty: no such client. */
    public Optional<OffsetDateTime> rotateClientSecret(DbExecute tx, String clientId, String newHash, int graceSeconds) {
        return tx.namedGet("rotate-client-secret", (double) graceSeconds, newHash, clientId)
                .map(r -> Rows.time(r, "previous_secret_until"));
    }

    /**
     * Records a revocation, kept {@code keepSeconds}: a token by id ({@code jti}), a subject's tokens issued before
     * {@code issuedBefore}, or an agent's cached key checks.
     */
    public void revoke(DbExecute tx, String kind, String subject, String jti, OffsetDateTime issuedBefore,
                       long keepSeconds) {
        tx.namedInsert("revoke", kind, subject, jti, issuedBefore, (double) keepSeconds);
    }

    /** The revocations recorded since {@code since} (every unexpired one when null), with the database's time. */
    public RevocationFeed.Page revocationsSince(Instant since) {
        Timestamp at = since == null ? null : Timestamp.from(since);
        List<DbRow> rows = db().namedQuery("revocations-since", at, at).toList();
        List<Revocations.Entry> items = rows.stream().map(r -> new Revocations.Entry(Rows.string(r, "kind"),
                Rows.string(r, "subject"), Rows.string(r, "jti"), instant(r, "issued_before"),
                instant(r, "recorded_at"), instant(r, "expires_at"))).toList();
        Instant asOf = rows.isEmpty() ? db().namedGet("database-time").map(r -> instant(r, "as_of"))
                .orElseThrow() : instant(rows.getFirst(), "as_of");
        return new RevocationFeed.Page(items, asOf);
    }

    public long forgetExpiredRevocations() {
        return db().namedDelete("forget-expired-revocations");
    }

    private static Instant instant(DbRow r, String column) {
        OffsetDateTime t = Rows.time(r, column);
        return t == null ? null : t.toInstant();
    }

    public Optional<OffsetDateTime> rotateAgentKey(DbExecute tx, UUID agentId, String newHash, int graceSeconds) {
        return tx.namedGet("rotate-agent-key", (double) graceSeconds, newHash, agentId)
                .map(r -> Rows.time(r, "previous_key_until"));
    }

    public void insertAgent(DbExecute tx, UUID id, String name, String owner, String description, int maxConcurrency,
                            int heartbeatSeconds, String endpointUrl, JsonNode metadata, String keyHash,
                            double trust, String createdBy) {
        tx.namedInsert("insert-agent", id, name, owner, description, maxConcurrency, heartbeatSeconds, endpointUrl,
                Json.write(metadata), keyHash, trust, createdBy);
    }

    public void replaceCapabilities(DbExecute tx, UUID id, List<AgentRecord.CapabilityRecord> caps, boolean fresh) {
        if (!fresh) {
            tx.namedDelete("delete-capabilities", id);
        }
        tx.namedInsert("insert-capabilities", id, Json.write(caps));
    }

    public Optional<AgentRecord> findAgent(DbExecute exec, UUID id) {
        return exec.namedGet("select-agent", id).map(RegistryStore::agent);
    }

    public List<AgentRecord> listAgents(String capability, String status, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return db().namedQuery("list-agents", capability, capability, status, status, at, at, id, limit)
                .map(RegistryStore::agent).toList();
    }

    public long updateAgent(DbExecute tx, UUID id, String description, Integer maxConcurrency, String endpointUrl,
                            JsonNode metadata) {
        return tx.namedUpdate("update-agent", description, maxConcurrency, endpointUrl,
                metadata == null ? null : Json.write(metadata), id);
    }

    public long deactivate(DbExecute tx, UUID id) {
        return tx.namedUpdate("deactivate-agent", id);
    }

    public record Heartbeat(String oldStatus, String status, OffsetDateTime at, int intervalSeconds) {
    }

    public Optional<Heartbeat> heartbeat(DbExecute tx, UUID id) {
        return tx.namedQuery("heartbeat", id, id).findFirst().map(r -> new Heartbeat(
                Rows.string(r, "old_status"), Rows.string(r, "status"), Rows.time(r, "last_heartbeat_at"),
                r.column("heartbeat_interval_seconds").getInt()));
    }

    public void statusChange(DbExecute tx, UUID id, String from, String to, String reason) {
        tx.namedInsert("insert-status-change", id, from, to, reason);
    }

    public List<UUID> markOffline(int missedIntervals) {
        return db().namedQuery("mark-offline", (double) missedIntervals).map(r -> Rows.uuid(r, "agent_id")).toList();
    }

    public Map<String, Long> countByStatus() {
        Map<String, Long> m = new LinkedHashMap<>();
        db().namedQuery("count-by-status").forEach(r -> m.put(Rows.string(r, "status"), r.column("n").getLong()));
        return m;
    }

    public List<Double> trustScores() {
        return db().namedQuery("trust-scores").map(r -> r.column("trust_score").getDouble()).toList();
    }

    public record CandidateRecord(UUID agentId, String name, double trustScore, int maxConcurrency,
                                  OffsetDateTime lastHeartbeatAt) {
    }

    public List<CandidateRecord> candidates(String capability, double minTrust) {
        return db().namedQuery("candidates", capability, minTrust).map(r -> new CandidateRecord(
                Rows.uuid(r, "agent_id"), Rows.string(r, "name"), r.column("trust_score").getDouble(),
                r.column("max_concurrency").getInt(), Rows.time(r, "last_heartbeat_at"))).toList();
    }

    /** An agent's status and trust score, for the neighbours that ask about several at once. */
    public record AgentState(String status, double trustScore) {
    }

    public Map<UUID, AgentState> statuses(List<UUID> ids) {
        Map<UUID, AgentState> m = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return m;
        }
        db().namedQuery("agent-statuses", String.join(",", ids.stream().map(UUID::toString).toList()))
                .forEach(r -> m.put(Rows.uuid(r, "agent_id"), new AgentState(Rows.string(r, "status"),
                        r.column("trust_score").getDouble())));
        return m;
    }

    /** The agents refreshed by {@code activity}: their status before and now. */
    public record Refreshed(String oldStatus, AgentState now) {
    }

    public Map<UUID, Refreshed> activity(DbExecute tx, List<UUID> ids) {
        Map<UUID, Refreshed> m = new LinkedHashMap<>();
        tx.namedQuery("activity", String.join(",", ids.stream().map(UUID::toString).toList()))
                .forEach(r -> m.put(Rows.uuid(r, "agent_id"), new Refreshed(Rows.string(r, "old_status"),
                        new AgentState(Rows.string(r, "status"), r.column("trust_score").getDouble()))));
        return m;
    }

    public Optional<Map.Entry<UUID, String>> agentByKeyHash(String hash) {
        return db().namedGet("select-agent-by-key", hash, hash)
                .map(r -> Map.entry(Rows.uuid(r, "agent_id"), Rows.string(r, "status")));
    }

    public record TrustRow(UUID agentId, String owner, double score, double successes, double failures,
                           double onTime, OffsetDateTime updatedAt, double ratingFactor, double uptimeFactor) {
    }

    public Optional<TrustRow> lockTrust(DbExecute tx, UUID agentId) {
        return tx.namedGet("select-agent-for-update", agentId).map(RegistryStore::trustRow);
    }

    /** The agent's trust row, locked; empty when another transaction holds it (a refresh skips it). */
    public Optional<TrustRow> lockTrustIfFree(DbExecute tx, UUID agentId) {
        return tx.namedGet("lock-agent-if-free", agentId).map(RegistryStore::trustRow);
    }

    private static TrustRow trustRow(DbRow r) {
        return new TrustRow(Rows.uuid(r, "agent_id"), Rows.string(r, "owner"), r.column("trust_score").getDouble(),
                r.column("trust_successes").getDouble(), r.column("trust_failures").getDouble(),
                r.column("trust_on_time").getDouble(), Rows.time(r, "trust_updated_at"),
                r.column("rating_factor").getDouble(), r.column("uptime_factor").getDouble());
    }

    public long pairOutcomes(DbExecute exec, UUID agentId, String clientId) {
        return exec.namedGet("pair-outcomes", agentId, clientId).map(r -> r.column("n").getLong()).orElse(0L);
    }

    /** (number of ratings, sum of stars) */
    public long[] ratingStats(DbExecute exec, UUID agentId) {
        return exec.namedGet("rating-stats", agentId).map(r -> new long[] {r.column("n").getLong(),
                r.column("stars").getLong()}).orElse(new long[] {0, 0});
    }

    public List<Long> recentExecutions(DbExecute exec, UUID agentId) {
        return exec.namedQuery("recent-executions", agentId).map(r -> r.column("execution_ms").getLong()).toList();
    }

    /** (seconds online, seconds observed) over the last {@code hours}. */
    public double[] uptime(DbExecute exec, UUID agentId, int hours) {
        return exec.namedGet("uptime", hours, agentId, agentId, agentId).map(r -> new double[] {
                r.column("online").getDouble(), r.column("observed").getDouble()}).orElse(new double[] {0, 0});
    }

    public void setScores(DbExecute tx, UUID agentId, double score, double rank, double ratingFactor,
                          double uptimeFactor) {
        tx.namedUpdate("set-scores", score, rank, ratingFactor, uptimeFactor, agentId);
    }

    public List<UUID> scoredAgents() {
        return db().namedQuery("scored-agents").map(r -> Rows.uuid(r, "agent_id")).toList();
    }

    /** The client of the task when this agent completed it, empty otherwise. */
    public Optional<String> completedFor(DbExecute exec, UUID taskId, UUID agentId) {
        return exec.namedGet("completed-by", taskId, agentId).map(r -> Rows.string(r, "client_id"));
    }

    public record RatingRow(UUID taskId, UUID agentId, String clientId, int stars, String comment,
                            OffsetDateTime createdAt) {
    }

    public Optional<RatingRow> insertRating(DbExecute tx, UUID taskId, UUID agentId, String clientId, int stars,
                                            String comment) {
        return tx.namedQuery("insert-rating", taskId, agentId, clientId, stars, comment).findFirst()
                .map(r -> new RatingRow(Rows.uuid(r, "task_id"), Rows.uuid(r, "agent_id"), Rows.string(r, "client_id"),
                        r.column("stars").getInt(), Rows.string(r, "comment"), Rows.time(r, "created_at")));
    }

    public record Stats(long tasks, long successes, Double averageExecutionMs, Double averagePromisedMs) {
    }

    public Stats stats(UUID agentId) {
        return db().namedGet("agent-stats", agentId).map(r -> new Stats(r.column("tasks").getLong(),
                r.column("successes").getLong(), Rows.doubleOrNull(r, "avg_execution"),
                Rows.doubleOrNull(r, "avg_promised"))).orElse(new Stats(0, 0, null, null));
    }

    public Map<String, Long> earnings(UUID agentId) {
        Map<String, Long> out = new LinkedHashMap<>();
        db().namedQuery("agent-earnings", agentId).forEach(r -> out.put(Rows.string(r, "currency"),
                r.column("amount").getLong()));
        return out;
    }

    /** Counts a settled payment once (by event id); false when it was counted before. */
    public boolean addEarning(DbExecute tx, UUID eventId, UUID agentId, long amount, String currency, String escrowId) {
        if (tx.namedInsert("insert-earning-event", eventId, agentId, amount, currency, escrowId) == 0) {
            return false;
        }
        tx.namedInsert("add-earnings", agentId, currency, amount);
        return true;
    }

    public record LeaderRow(UUID agentId, String name, double value, double trustScore) {
    }

    public List<LeaderRow> leaderboard(String metric, String currency, int limit) {
        var rows = switch (metric) {
            case "earnings" -> db().namedQuery("leaderboard-earnings", currency, limit);
            case "tasks" -> db().namedQuery("leaderboard-tasks", limit);
            default -> db().namedQuery("leaderboard-trust", limit);
        };
        return rows.map(r -> new LeaderRow(Rows.uuid(r, "agent_id"), Rows.string(r, "name"), r.column("value").getDouble(),
                r.column("trust_score").getDouble())).toList();
    }

    /** False when the event was recorded before (the intake is idempotent by event id). */
    public boolean insertTrustRecord(DbExecute tx, UUID eventId, UUID agentId, UUID taskId, String outcome,
                                     Long executionMs, Long promisedMs, double before, double after,
                                     OffsetDateTime occurredAt, String clientId, double weight) {
        return tx.namedInsert("insert-trust-record", eventId, agentId, taskId, outcome, executionMs, promisedMs,
                before, after, Rows.ts(occurredAt), clientId, weight) == 1;
    }

    /** The agent's trust after {@code outcomes} more outcomes. */
    public void updateTrust(DbExecute tx, UUID agentId, double score, double rank, double s, double f, double t,
                            OffsetDateTime at, int outcomes) {
        tx.namedUpdate("update-trust", score, rank, s, f, t, outcomes, Rows.ts(at), agentId);
    }

    public record TrustRecordRow(long id, UUID eventId, UUID taskId, String outcome, Long executionMs,
                                 Long promisedMs, double before, double after, OffsetDateTime recordedAt) {
    }

    public List<TrustRecordRow> trustHistory(UUID agentId, Long beforeId, int limit) {
        return db().namedQuery("trust-history", agentId, beforeId, beforeId, limit).map(r -> new TrustRecordRow(
                r.column("id").getLong(), Rows.uuid(r, "event_id"), Rows.uuid(r, "task_id"),
                Rows.string(r, "outcome"), Rows.longOrNull(r, "execution_ms"), Rows.longOrNull(r, "promised_ms"),
                r.column("score_before").getDouble(), r.column("score_after").getDouble(),
                Rows.time(r, "recorded_at"))).toList();
    }

    private static AgentRecord agent(DbRow r) {
        List<AgentRecord.CapabilityRecord> caps = new ArrayList<>();
        Json.tree(Rows.string(r, "capabilities_json")).forEach(c -> caps.add(new AgentRecord.CapabilityRecord(
                c.path("name").asText(), c.hasNonNull("version") ? c.get("version").asText() : null)));
        return new AgentRecord(Rows.uuid(r, "agent_id"), Rows.string(r, "name"), Rows.string(r, "owner"),
                Rows.string(r, "description"), r.column("max_concurrency").getInt(),
                r.column("heartbeat_interval_seconds").getInt(), Rows.string(r, "endpoint_url"),
                Json.tree(Rows.string(r, "metadata_json")), caps, Rows.string(r, "status"),
                Rows.time(r, "last_heartbeat_at"), r.column("trust_score").getDouble(),
                r.column("trust_successes").getDouble(), r.column("trust_failures").getDouble(),
                r.column("trust_on_time").getDouble(), r.column("trust_outcomes").getLong(),
                Rows.time(r, "trust_updated_at"), Rows.string(r, "created_by"), Rows.time(r, "created_at"),
                Rows.time(r, "updated_at"));
    }
}
