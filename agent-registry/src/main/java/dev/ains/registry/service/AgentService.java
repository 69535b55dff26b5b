package dev.ains.registry.service;

import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.security.Secrets;
import dev.ains.kit.store.Cursor;
import dev.ains.registry.store.AgentRecord;
import dev.ains.registry.store.AgentRecord.CapabilityRecord;
import dev.ains.registry.store.RegistryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Agents: registration, lookup, updates, deactivation, heartbeats and candidate search. */
@ApplicationScoped
public class AgentService {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());
    private static final String CAPABILITY_NAME = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}";

    @Inject
    RegistryStore store;
    @Inject
    Database database;
    @Inject
    RegistrySettings settings;
    @Inject
    RegistryMetrics metrics;
    @Inject
    RevocationService revocations;

    public record NewAgent(String name, String owner, String description, List<CapabilityRecord> capabilities,
                           Integer maxConcurrency, Integer heartbeatIntervalSeconds, String endpointUrl,
                           JsonNode metadata) {
    }

    public record Changes(String description, List<CapabilityRecord> capabilities, Integer maxConcurrency,
                          String endpointUrl, JsonNode metadata) {
    }

    public record Registered(AgentRecord agent, String apiKey) {
    }

    public Registered register(Caller caller, NewAgent a) {
        Check check = Check.of()
                .required("name", a.name()).maxLength("name", a.name(), 200)
                .maxLength("owner", a.owner(), 200)
                .maxLength("description", a.description(), 2000)
                .required("capabilities", a.capabilities())
                .range("max_concurrency", a.maxConcurrency(), 1, 1000)
                .range("heartbeat_interval_seconds", a.heartbeatIntervalSeconds(), 1, 3600);
        checkCapabilities(check, a.capabilities());
        checkUrl(check, a.endpointUrl());
        check.orThrow();
        // the owner is an identity the trust rules rely on (an owner cannot rate its agent, and its own
        // tasks count for nothing): the registering client, or a client an admin names
        String owner = a.owner() == null || a.owner().isBlank() ? caller.id() : a.owner();
        if (!owner.equals(caller.id())) {
            if (!caller.has(Roles.ADMIN)) {
                throw ApiProblem.forbidden("owner: an agent belongs to the client that registers it; only an admin"
                        + " registers one for another client");
            }
            if (store.findClient(owner).isEmpty()) {
                throw ApiProblem.invalid("owner", "no client " + owner);
            }
        }
        UUID id = UUID.randomUUID();
        String apiKey = Secrets.generate("ak_");
        int heartbeat = a.heartbeatIntervalSeconds() == null ? settings.defaultHeartbeatSeconds()
                : a.heartbeatIntervalSeconds();
        AgentRecord created = database.inTransaction(tx -> {
            store.insertAgent(tx, id, a.name(), owner, a.description(),
                    a.maxConcurrency() == null ? 1 : a.maxConcurrency(), heartbeat, a.endpointUrl(),
                    a.metadata() == null ? dev.ains.kit.json.Json.MAPPER.createObjectNode() : a.metadata(),
                    Secrets.hash(apiKey), settings.trust().initialScore(), caller.id());
            store.replaceCapabilities(tx, id, a.capabilities(), true);
            store.statusChange(tx, id, null, "ONLINE", "registered");
            return store.findAgent(tx, id).orElseThrow();
        });
        metrics.registered();
        LOG.info(() -> "agent " + id + " (" + a.name() + ") registered by " + caller.id() + " with "
                + a.capabilities().stream().map(CapabilityRecord::name).toList());
        return new Registered(created, apiKey);
    }

    public AgentRecord get(UUID id) {
        return store.findAgent(store.db(), id).orElseThrow(() -> ApiProblem.notFound("agent", id));
    }

    public List<AgentRecord> list(String capability, String status, Cursor after, int limit) {
        return store.listAgents(capability, status, after, limit);
    }

    public AgentRecord update(Caller caller, UUID id, Changes c) {
        AgentRecord current = get(id);
        requireOwnerOrSelf(caller, current);
        if ("DEACTIVATED".equals(current.status())) {
            throw ApiProblem.conflict("agent-deactivated", "agent " + id + " is deactivated and cannot change");
        }
        Check check = Check.of()
                .maxLength("description", c.description(), 2000)
                .range("max_concurrency", c.maxConcurrency(), 1, 1000);
        if (c.capabilities() != null) {
            check.that(!c.capabilities().isEmpty(), "capabilities", "must not be empty");
            checkCapabilities(check, c.capabilities());
        }
        checkUrl(check, c.endpointUrl());
        check.orThrow();
        return database.inTransaction(tx -> {
            store.updateAgent(tx, id, c.description(), c.maxConcurrency(), c.endpointUrl(), c.metadata());
            if (c.capabilities() != null) {
                store.replaceCapabilities(tx, id, c.capabilities(), false);
            }
            return store.findAgent(tx, id).orElseThrow();
        });
    }

    /** A new API key for the agent; the old one is accepted for the grace period (0: revoked now). */
    public Rotated rotateKey(Caller caller, UUID id, Integer graceSeconds) {
        AgentRecord current = get(id);
        requireOwnerOrSelf(caller, current);
        Check.of().range("grace_seconds", graceSeconds, 0, 604_800).orThrow();
        int grace = graceSeconds == null ? settings.rotationGraceSeconds() : graceSeconds;
        String apiKey = Secrets.generate("ak_");
        var until = database.inTransaction(tx -> {
            var u = store.rotateAgentKey(tx, id, Secrets.hash(apiKey), grace);
            if (u.isPresent() && grace == 0) {
                revocations.revokeAgentKeys(tx, id.toString()); // the services forget the old key's checks now
            }
            return u;
        }).orElseThrow(() -> ApiProblem.notFound("agent", id));
        LOG.info(() -> "agent " + id + " has a new API key (by " + caller.id() + "); the old one works until " + until);
        return new Rotated(apiKey, until);
    }

    public AgentRecord deactivate(Caller caller, UUID id) {
        AgentRecord current = get(id);
        requireOwnerOrSelf(caller, current);
        AgentRecord after = database.inTransaction(tx -> {
            if (store.deactivate(tx, id) == 1) {
                store.statusChange(tx, id, current.status(), "DEACTIVATED", "deactivated by " + caller.id());
                revocations.revokeAgentKeys(tx, id.toString());
            }
            return store.findAgent(tx, id).orElseThrow();
        });
        if (!"DEACTIVATED".equals(current.status())) {
            metrics.statusChanged("DEACTIVATED");
            LOG.info(() -> "agent " + id + " deactivated by " + caller.id());
        }
        return after;
    }

    public RegistryStore.Heartbeat heartbeat(Caller caller, UUID id) {
        caller.requireAgent(id.toString());
        RegistryStore.Heartbeat hb = database.inTransaction(tx -> {
            Optional<RegistryStore.Heartbeat> r = store.heartbeat(tx, id);
            r.filter(h -> "OFFLINE".equals(h.oldStatus()))
                    .ifPresent(h -> store.statusChange(tx, id, "OFFLINE", "ONLINE", "heartbeat"));
            return r.orElse(null);
        });
        if (hb == null) {
            AgentRecord a = get(id);
            throw ApiProblem.conflict("agent-deactivated", "agent " + a.agentId() + " is deactivated");
        }
        metrics.heartbeat();
        if ("OFFLINE".equals(hb.oldStatus())) {
            metrics.statusChanged("ONLINE");
            LOG.info(() -> "agent " + id + " is back ONLINE");
        }
        return hb;
    }

    public List<RegistryStore.CandidateRecord> candidates(String capability, Double minTrust) {
        Check.of().required("capability", capability).rangeD("min_trust", minTrust, 0, 1).orThrow();
        return store.candidates(capability, minTrust == null ? 0 : minTrust);
    }

    public Map<UUID, dev.ains.registry.store.RegistryStore.AgentState> statuses(List<UUID> ids) {
        Check.of().that(ids != null && ids.size() <= 1000, "agent_ids", "at most 1000 ids").orThrow();
        return store.statuses(ids);
    }

    /**
     * Agents task-service saw working: each counts as a heartbeat, and an OFFLINE one is back ONLINE.
     * Answers the statuses of those refreshed (deactivated and unknown ids are left out).
     */
    public Map<UUID, RegistryStore.AgentState> activity(List<UUID> ids) {
        Check.of().required("agent_ids", ids)
                .that(ids == null || ids.size() <= 1000, "agent_ids", "at most 1000 ids").orThrow();
        Map<UUID, RegistryStore.Refreshed> refreshed = database.inTransaction(tx -> store.activity(tx, ids));
        Map<UUID, RegistryStore.AgentState> out = new LinkedHashMap<>();
        refreshed.forEach((id, r) -> {
            metrics.heartbeat();
            if ("OFFLINE".equals(r.oldStatus())) {
                metrics.statusChanged("ONLINE");
                LOG.info(() -> "agent " + id + " is back ONLINE (seen working)");
            }
            out.put(id, r.now());
        });
        return out;
    }

    public Optional<Map.Entry<UUID, String>> byApiKey(String apiKey) {
        return store.agentByKeyHash(Secrets.hash(apiKey));
    }

    private static void requireOwnerOrSelf(Caller caller, AgentRecord a) {
        boolean self = caller.isAgent() && caller.id().equals(a.agentId().toString());
        boolean creator = !caller.isAgent() && (caller.id().equals(a.createdBy()) || caller.id().equals(a.owner()));
        if (!self && !creator && !caller.has(Roles.ADMIN)) {
            throw ApiProblem.forbidden("only the agent, its owner or an admin may change agent " + a.agentId());
        }
    }

    private static void checkCapabilities(Check check, List<CapabilityRecord> caps) {
        if (caps == null) {
            return;
        }
        check.that(caps.size() <= 50, "capabilities", "at most 50 capabilities");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < caps.size(); i++) {
            CapabilityRecord c = caps.get(i);
            String f = "capabilities[" + i + "]";
            if (c == null || c.name() == null || c.name().isBlank()) {
                check.that(false, f + ".name", "is required");
                continue;
            }
            check.pattern(f + ".name", c.name(), CAPABILITY_NAME, "letters, digits and . _ : / - (at most 100)")
                    .maxLength(f + ".version", c.version(), 40)
                    .that(seen.add(c.name()), f + ".name", "duplicate capability '" + c.name() + "'");
        }
    }

    private static void checkUrl(Check check, String url) {
        if (url == null || url.isBlank()) {
            return;
        }
        try {
            URI u = URI.create(url);
            check.that(("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null,
                    "endpoint_url", "must be an absolute http(s) URL");
        } catch (IllegalArgumentException e) {
            check.that(false, "endpoint_url", "must be an absolute http(s) URL");
        }
    }
}
