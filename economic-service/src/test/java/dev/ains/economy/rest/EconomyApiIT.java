package dev.ains.economy.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ains.kit.security.TestAuthority;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * economic-service on a random port against a real PostgreSQL: balances, deposits, escrows and their
 * settlement over HTTP, every error case, and a concurrency test that tries hard to break the ledger.
 */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.economy.expiry-check-ms", value = "200")
class EconomyApiIT {
    /** The registry, where settled escrows report agents' earnings (through the outbox). */
    private static final WireMockServer REGISTRY = Neighbours.SERVER;

    @Inject
    WebTarget target;
    /** Signs as the registry; started before the container so that the service reads where its keys are. */
    static final TestAuthority jwt = TestAuthority.start();
    @Inject
    dev.ains.kit.db.Database database;

    private Api api;
    private Auth admin;
    private Auth service;

    @BeforeEach
    void setUp() {
        REGISTRY.stubFor(post(urlEqualTo("/ains/internal/earnings")).willReturn(aResponse().withStatus(204)));
        api = new Api(target);
        admin = Auth.bearer(jwt.issue("admin", List.of(Roles.ADMIN), 600));
        service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 600));
    }

    @Test
    void servesHealthMetricsContractAndBalances() {
        assertThat(api.text("/health/ready")).contains("\"schema\":\"economy\"");
        assertThat(api.text("/openapi")).contains("AINS economic service");
        Auth owner = Auth.bearer(jwt.issue("cl_owner", List.of(Roles.CLIENT), 60));

        JsonNode a = json(api.get("/economy/accounts/cl_owner", owner), 200);
        assertThat(a.get("available").asLong()).isZero();
        assertThat(a.get("currency").asText()).isEqualTo("USD");
        json(api.get("/economy/accounts/cl_someone_else", owner), 403);
        json(api.get("/economy/accounts/cl_owner", null), 401);
        assertThat(fields(json(api.get("/economy/accounts/cl_owner?currency=usd", owner), 422)))
                .containsExactly("currency");
        assertThat(api.text("/metrics")).contains("route=\"/economy/accounts/{owner_id}\"");
    }

    @Test
    void depositsAreForAdminsIdempotentAndShowInBalanceAndStatement() {
        String client = "cl_" + UUID.randomUUID();
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        String dep = deposit("d-" + UUID.randomUUID());
        json(api.post("/economy/deposits", asClient, dep.formatted(client, 5000)), 403);
        json(api.post("/economy/deposits", service, dep.formatted(client, 5000)), 403); // no service mints money
        JsonNode first = json(api.post("/economy/deposits", admin, dep.formatted(client, 5000)), 201);
        assertThat(first.get("debit_owner_id").asText()).isEqualTo("ains:external");
        assertThat(first.get("credit_owner_id").asText()).isEqualTo(client);
        JsonNode again = json(api.post("/economy/deposits", admin, dep.formatted(client, 5000)), 200);
        assertThat(again.get("transfer_id").asText()).isEqualTo(first.get("transfer_id").asText());
        assertThat(json(api.post("/economy/deposits", admin, dep.formatted(client, 6000)), 409).get("type").asText())
                .endsWith("deposit-id-reused");
        json(api.post("/economy/deposits", admin, deposit("d2-" + UUID.randomUUID()).formatted(client, 250)), 201);

        assertThat(fields(json(api.post("/economy/deposits", admin,
                "{\"deposit_id\":\"x\",\"owner_id\":\"ains:fees\",\"amount\":0,\"currency\":\"usd\"}"), 422)))
                .containsExactlyInAnyOrder("owner_id", "amount");
        assertThat(fields(json(api.post("/economy/deposits", admin,
                "{\"deposit_id\":\"y\",\"owner_id\":\"" + client + "\",\"amount\":5,\"currency\":\"usd\"}"), 422)))
                .containsExactly("currency");

        JsonNode balance = json(api.get("/economy/accounts/" + client, asClient), 200);
        assertThat(balance.get("available").asLong()).isEqualTo(5250);
        JsonNode page1 = json(api.get("/economy/accounts/" + client + "/statement?limit=1", asClient), 200);
        assertThat(page1.at("/items/0/amount").asLong()).isEqualTo(250);
        assertThat(page1.at("/items/0/balance_after").asLong()).isEqualTo(5250);
        JsonNode page2 = json(api.get("/economy/accounts/" + client + "/statement?limit=1&cursor="
                + page1.get("next_cursor").asText(), asClient), 200);
        assertThat(page2.at("/items/0/amount").asLong()).isEqualTo(5000);
        assertThat(page2.at("/items/0/balance_after").asLong()).isEqualTo(5000);
        assertThat(page2.at("/items/0/counterparty_id").asText()).isEqualTo("ains:external");
        assertThat(page2.has("next_cursor")).isFalse();
        assertLedgerHolds();
    }

    @Test
    void anEscrowHoldsFundsAndSettlesOnceLessTheFeeWithTheRestReturned() {
        String client = funded(10_000);
        String agent = "agent-" + UUID.randomUUID();
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        Auth asAgent = Auth.bearer(jwt.issue(agent, List.of(Roles.CLIENT), 600));
        String id = "task-" + UUID.randomUUID();

        // #12: a service identity is no operator: it opens no escrow through the public API
        assertThat(json(api.post("/economy/escrows", service, escrow(id, client, agent, 4000)), 403).get("detail")
                .asText()).contains("internal operations");
        JsonNode poor = json(api.post("/economy/escrows", admin, escrow("e-" + UUID.randomUUID(), client, agent,
                20_000)), 409);
        assertThat(poor.get("type").asText()).endsWith("insufficient-funds");
        assertThat(poor.get("detail").asText()).contains("10000").contains("20000");
        assertThat(fields(json(api.post("/economy/escrows", admin, escrow("", client, client, -5)), 422)))
                .containsExactlyInAnyOrder("escrow_id", "amount", "payee_id");
        json(api.post("/economy/escrows", asAgent, escrow("e-" + UUID.randomUUID(), client, agent, 5)), 403);

        JsonNode opened = json(api.post("/economy/escrows", admin, escrow(id, client, agent, 4000)), 201);
        assertThat(opened.get("status").asText()).isEqualTo("PENDING");
        assertThat(json(api.post("/economy/escrows", admin, escrow(id, client, agent, 4000)), 200)
                .get("status").asText()).isEqualTo("PENDING");
        JsonNode reused = json(api.post("/economy/escrows", admin, escrow(id, client, agent, 4001)), 409);
        assertThat(reused.get("type").asText()).endsWith("escrow-id-reused");
        // the answer names no party and no amount of the escrow that holds the id
        assertThat(reused.get("detail").asText()).doesNotContain("4000").doesNotContain(client).doesNotContain(agent);
        JsonNode held = json(api.get("/economy/accounts/" + client, asClient), 200);
        assertThat(held.get("available").asLong()).isEqualTo(6000);
        assertThat(held.get("pending").asLong()).isEqualTo(4000);
        json(api.get("/economy/escrows/" + id, asAgent), 200);
        json(api.get("/economy/escrows/" + id, Auth.bearer(jwt.issue("nosy", List.of(Roles.CLIENT), 60))), 404);

        assertThat(fields(json(api.post("/economy/escrows/" + id + "/settle", admin,
                "{\"settlement_id\":\"s1\",\"amount\":4001}"), 422))).containsExactly("amount");
        json(api.post("/economy/escrows/" + id + "/settle", asAgent, "{\"settlement_id\":\"s1\"}"), 404);
        // 3000 of 4000 posted: 5 % fee = 150, the payee gets 2850, 1000 returns to the client
        JsonNode posted = json(api.post("/economy/escrows/" + id + "/settle", admin,
                "{\"settlement_id\":\"s1\",\"amount\":3000}"), 200);
        assertThat(posted.get("status").asText()).isEqualTo("POSTED");
        assertThat(posted.get("fee").asLong()).isEqualTo(150);
        assertThat(posted.get("returned_amount").asLong()).isEqualTo(1000);
        assertThat(json(api.post("/economy/escrows/" + id + "/settle", admin,
                "{\"settlement_id\":\"s1\",\"amount\":3000}"), 200).get("resolved_by").asText()).isEqualTo("s1");
        assertThat(json(api.post("/economy/escrows/" + id + "/settle", admin, "{\"settlement_id\":\"s2\"}"), 409)
                .get("type").asText()).endsWith("escrow-already-posted");
        assertThat(json(api.post("/economy/escrows/" + id + "/refund", admin, "{\"refund_id\":\"r1\"}"), 409)
                .get("type").asText()).endsWith("escrow-already-posted");

        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(7000);
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("pending").asLong()).isZero();
        assertThat(json(api.get("/economy/accounts/" + agent, asAgent), 200).get("available").asLong())
                .isEqualTo(2850);
        JsonNode entries = json(api.get("/economy/accounts/" + client + "/statement", asClient), 200).get("items");
        assertThat(entries.findValuesAsText("code")).containsExactly("escrow_return", "escrow_hold", "deposit");
        assertThat(entries.get(0).get("balance_after").asLong()).isEqualTo(7000);
        assertLedgerHolds();
    }

    @Test
    void theLedgersHistoryCannotBeRewrittenEvenWithTheServicesOwnDatabaseRole() {
        String client = "cl_" + UUID.randomUUID();
        json(api.post("/economy/deposits", admin, "{\"deposit_id\":\"d-" + client + "\",\"owner_id\":\"" + client
                + "\",\"amount\":500}"), 201);
        for (String rewrite : List.of("UPDATE transfers SET amount = amount + 1000 WHERE transfer_id = 'deposit:d-"
                        + client + "'", "DELETE FROM transfers WHERE transfer_id = 'deposit:d-" + client + "'",
                "TRUNCATE transfers CASCADE")) {
            assertThatThrownBy(() -> database.client().execute().dml(rewrite)).as(rewrite)
                    .hasStackTraceContaining("ledger transfers are immutable");
        }
        assertThat(database.client().execute().query("SELECT count(*) AS n FROM transfers WHERE transfer_id LIKE ?",
                "%" + client + "%").findFirst().orElseThrow().column("n").getLong()).isEqualTo(1);
        assertLedgerHolds();
    }

    /** #12: deposits and escrow moves are in the audit log, which admins read and nobody rewrites. */
    @Test
    void moneyMovesAreAuditedAndTheAuditLogIsAppendOnly() {
        String client = funded(700);
        String escrowId = "e-" + UUID.randomUUID();
        json(api.post("/economy/escrows", admin, escrow(escrowId, client, "cl_payee-" + UUID.randomUUID(), 300)),
                201);
        json(api.post("/economy/escrows/" + escrowId + "/refund", admin, "{\"refund_id\":\"r\"}"), 200);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 60));
        json(api.get("/economy/audit", asClient), 403);

        JsonNode deposits = json(api.get("/economy/audit?operation=createDeposit&actor=admin", admin), 200)
                .get("items");
        assertThat(deposits).isNotEmpty();
        assertThat(deposits.get(0).get("method").asText()).isEqualTo("POST");
        assertThat(deposits.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(deposits.get(0).get("source").asText()).isNotBlank();
        JsonNode escrow = json(api.get("/economy/audit?id=" + escrowId + "&operation=refundEscrow", admin), 200)
                .get("items");
        assertThat(escrow).hasSize(1);
        assertThat(escrow.get(0).get("operation").asText()).isEqualTo("refundEscrow");
        assertThat(escrow.get(0).get("actor").asText()).isEqualTo("admin");
        assertThat(escrow.get(0).at("/ids/escrow_id").asText()).isEqualTo(escrowId);
        // refused attempts are recorded too, with their outcome
        JsonNode refused = json(api.get("/economy/audit?actor=" + client, admin), 200).get("items");
        assertThat(refused).isEmpty(); // reads are not audited
        json(api.post("/economy/deposits", asClient, deposit("x-" + client).formatted(client, 1)), 403);
        assertThat(json(api.get("/economy/audit?actor=" + client, admin), 200).at("/items/0/status").asInt())
                .isEqualTo(403);
        JsonNode page = json(api.get("/economy/audit?limit=1", admin), 200);
        JsonNode next = json(api.get("/economy/audit?limit=1&cursor=" + page.get("next_cursor").asText(), admin), 200);
        assertThat(next.at("/items/0/entry_id").asLong()).isLessThan(page.at("/items/0/entry_id").asLong());
        assertThat(fields(json(api.get("/economy/audit?cursor=nonsense", admin), 400))).containsExactly("cursor");

        for (String rewrite : List.of("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log",
                "TRUNCATE audit_log")) {
            assertThatThrownBy(() -> database.client().execute().dml(rewrite)).as(rewrite)
                    .hasStackTraceContaining("the audit log is append-only");
        }
        assertThat(api.text("/metrics")).contains("ains_audit_entries_total");
    }

    @Test
    void aRefundReturnsEverythingOnceAndAnExpiredEscrowRefundsItself() {
        String client = funded(1000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        String id = "e-" + UUID.randomUUID();
        json(api.post("/economy/escrows", asClient, escrow(id, client, "agent-x", 600)), 201);
        json(api.post("/economy/escrows/" + id + "/refund", asClient, "{\"refund_id\":\"r\"}"), 404);
        JsonNode voided = json(api.post("/economy/escrows/" + id + "/refund", admin,
                "{\"refund_id\":\"r\",\"reason\":\"task cancelled\"}"), 200);
        assertThat(voided.get("status").asText()).isEqualTo("VOIDED");
        assertThat(voided.get("returned_amount").asLong()).isEqualTo(600);
        json(api.post("/economy/escrows/" + id + "/refund", admin, "{\"refund_id\":\"r\"}"), 200);
        assertThat(json(api.post("/economy/escrows/" + id + "/settle", admin, "{\"settlement_id\":\"s\"}"), 409)
                .get("type").asText()).endsWith("escrow-already-voided");
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(1000);

        String expiring = "e-" + UUID.randomUUID();
        json(api.post("/economy/escrows", admin, escrow(expiring, client, "agent-x", 700)
                .replace("}", ",\"expires_in_seconds\":1}")), 201);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode e = json(api.get("/economy/escrows/" + expiring, asClient), 200);
            assertThat(e.get("status").asText()).isEqualTo("VOIDED");
            assertThat(e.get("resolved_by").asText()).isEqualTo("expired");
        });
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(1000);
        assertLedgerHolds();
        json(api.get("/economy/ledger/check", asClient), 403);
    }

    @Test
    void aChannelTakesPaymentsUnderRisingNoncesAndSettlesTheLastCumulativeAmount() throws Exception {
        String client = funded(2000);
        String agent = "agent-" + UUID.randomUUID();
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        Auth asAgent = Auth.bearer(jwt.issue(agent, List.of(Roles.CLIENT), 600));
        String id = "ch-" + UUID.randomUUID();
        String open = "{\"channel_id\":\"" + id + "\",\"client_id\":\"" + client + "\",\"agent_id\":\"" + agent
                + "\",\"deposit\":%d}";
        assertThat(json(api.post("/economy/channels", asClient, open.formatted(5000)), 409).get("type").asText())
                .endsWith("insufficient-funds");
        json(api.post("/economy/channels", asAgent, open.formatted(1000)), 403);
        JsonNode opened = json(api.post("/economy/channels", asClient, open.formatted(1000)), 201);
        assertThat(opened.get("status").asText()).isEqualTo("OPEN");
        json(api.post("/economy/channels", asClient, open.formatted(1000)), 200);
        assertThat(json(api.post("/economy/channels", asClient, open.formatted(999)), 409).get("type").asText())
                .endsWith("channel-id-reused");
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("pending").asLong()).isEqualTo(1000);

        String pay = "/economy/channels/" + id + "/payments";
        json(api.post(pay, asClient, "{\"nonce\":1,\"cumulative_amount\":100}"), 200);
        assertThat(json(api.post(pay, asClient, "{\"nonce\":1,\"cumulative_amount\":100}"), 409).get("type")
                .asText()).endsWith("stale-nonce");
        assertThat(fields(json(api.post(pay, asClient, "{\"nonce\":2,\"cumulative_amount\":50}"), 422)))
                .containsExactly("cumulative_amount");
        assertThat(fields(json(api.post(pay, asClient, "{\"nonce\":2,\"cumulative_amount\":1001}"), 422)))
                .containsExactly("cumulative_amount");
        assertThat(fields(json(api.post(pay, asClient, "{\"nonce\":0,\"cumulative_amount\":5}"), 422)))
                .containsExactly("nonce");
        assertThat(fields(json(api.post(pay, asClient, "{\"nonce\":3}"), 422))).containsExactly("cumulative_amount");
        json(api.post(pay, asAgent, "{\"nonce\":9,\"cumulative_amount\":1000}"), 404);
        // twenty payments at once, in any order: the highest nonce wins, lower ones arriving late are refused
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int n = 2; n <= 21; n++) {
            int nonce = n;
            answers.add(pool.submit(() -> {
                try (Response r = api.post(pay, asClient, "{\"nonce\":" + nonce + ",\"cumulative_amount\":"
                        + (100 + nonce * 10) + "}")) {
                    return r.getStatus();
                }
            }));
        }
        for (Future<Integer> f : answers) {
            assertThat(f.get()).isIn(200, 409);
        }
        pool.shutdown();
        JsonNode paid = json(api.get("/economy/channels/" + id, asAgent), 200);
        assertThat(paid.get("nonce").asLong()).isEqualTo(21);
        assertThat(paid.get("cumulative_amount").asLong()).isEqualTo(310);

        // its escrow is the channel's: not settled, refunded or imitated through the escrow API, by anyone
        json(api.post("/economy/escrows/channel:" + id + "/settle", asClient,
                "{\"settlement_id\":\"x\",\"amount\":0}"), 403);
        json(api.post("/economy/escrows/channel:" + id + "/refund", admin, "{\"refund_id\":\"x\"}"), 403);
        assertThat(fields(json(api.post("/economy/escrows", admin, escrow("channel:x", client, agent, 5)), 422)))
                .containsExactly("escrow_id");

        JsonNode settled = json(api.post("/economy/channels/" + id + "/settle", asAgent,
                "{\"settlement_id\":\"done\"}"), 200);
        assertThat(settled.get("status").asText()).isEqualTo("SETTLED");
        assertThat(settled.get("fee").asLong()).isEqualTo(15); // 5 % of 310, rounded down
        assertThat(settled.get("paid_to_agent").asLong()).isEqualTo(295);
        assertThat(settled.get("returned_amount").asLong()).isEqualTo(690);
        json(api.post("/economy/channels/" + id + "/settle", asClient, "{\"settlement_id\":\"done\"}"), 200);
        assertThat(json(api.post("/economy/channels/" + id + "/settle", asClient, "{\"settlement_id\":\"again\"}"),
                409).get("type").asText()).endsWith("channel-settled");
        assertThat(json(api.post(pay, asClient, "{\"nonce\":30,\"cumulative_amount\":400}"), 409).get("type")
                .asText()).endsWith("channel-settled");
        assertThat(json(api.get("/economy/accounts/" + agent, asAgent), 200).get("available").asLong()).isEqualTo(295);
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(2000 - 310);
        json(api.get("/economy/channels/" + id, Auth.bearer(jwt.issue("nosy", List.of(Roles.CLIENT), 60))), 404);

        // an expired channel settles itself at what was promised
        String late = "ch-" + UUID.randomUUID();
        json(api.post("/economy/channels", asClient, ("{\"channel_id\":\"" + late + "\",\"client_id\":\"" + client
                + "\",\"agent_id\":\"" + agent + "\",\"deposit\":500,\"expires_in_seconds\":2}")), 201);
        json(api.post("/economy/channels/" + late + "/payments", asClient, "{\"nonce\":1,\"cumulative_amount\":200}"),
                200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode c = json(api.get("/economy/channels/" + late, asAgent), 200);
            assertThat(c.get("status").asText()).isEqualTo("SETTLED");
            assertThat(c.get("settled_by").asText()).isEqualTo("expired");
            assertThat(c.get("paid_to_agent").asLong()).isEqualTo(190);
        });
        assertLedgerHolds();
    }

    /**
     * Many clients and agents at once: escrows opened (some replayed, some beyond the funds), each then
     * settled, refunded, or raced by a settlement and a refund together (and replayed). Afterwards the
     * ledger check passes, every escrow ended once, and every balance is what the outcomes say.
     */
    @Test
    void theLedgerHoldsUnderConcurrentEscrowsSettlementsRefundsAndReplays() throws Exception {
        int clients = 8;
        int escrowsPerClient = 40;
        List<String> clientIds = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            clientIds.add(funded(10_000));
        }
        List<String> agents = List.of("agent-a-" + UUID.randomUUID(), "agent-b-" + UUID.randomUUID());
        Map<String, String[]> escrows = new ConcurrentHashMap<>(); // id -> payer, payee
        AtomicInteger refusedForFunds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> work = new ArrayList<>();
        for (String client : clientIds) {
            for (int i = 0; i < escrowsPerClient; i++) {
                String id = "c-" + UUID.randomUUID();
                String payee = agents.get(i % 2);
                long amount = 100 + ThreadLocalRandom.current().nextInt(300); // 40 × ~250 > 10,000: some refused
                work.add(pool.submit(() -> {
                    Response r = api.post("/economy/escrows", admin, escrow(id, client, payee, amount));
                    int status = r.getStatus();
                    r.close();
                    if (status == 201) {
                        escrows.put(id, new String[] {client, payee});
                        // a replay of the same open, at once
                        api.post("/economy/escrows", admin, escrow(id, client, payee, amount)).close();
                    } else if (status == 409) {
                        refusedForFunds.incrementAndGet();
                    } else {
                        throw new AssertionError("open answered " + status);
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        assertThat(refusedForFunds.get()).as("some opens exceeded the funds").isPositive();

        work.clear();
        AtomicInteger conflicts = new AtomicInteger();
        int n = 0;
        for (String id : escrows.keySet()) {
            int mode = n++ % 3;
            work.add(pool.submit(() -> {
                String settle = "/economy/escrows/" + id + "/settle";
                String refund = "/economy/escrows/" + id + "/refund";
                List<Response> answers = new ArrayList<>();
                switch (mode) {
                    case 0 -> answers.add(api.post(settle, admin, "{\"settlement_id\":\"s-" + id + "\"}"));
                    case 1 -> answers.add(api.post(refund, admin, "{\"refund_id\":\"r-" + id + "\"}"));
                    default -> {
                        // a settlement and a refund race; exactly one may win
                        Future<Response> a = Executors.newVirtualThreadPerTaskExecutor().submit(() ->
                                api.post(settle, admin, "{\"settlement_id\":\"s-" + id + "\"}"));
                        answers.add(api.post(refund, admin, "{\"refund_id\":\"r-" + id + "\"}"));
                        answers.add(a.get());
                    }
                }
                // and every request once more, as a client retrying after a lost answer would
                answers.add(api.post(mode == 1 ? refund : settle, admin,
                        mode == 1 ? "{\"refund_id\":\"r-" + id + "\"}" : "{\"settlement_id\":\"s-" + id + "\"}"));
                for (Response r : answers) {
                    if (r.getStatus() == 409) {
                        conflicts.incrementAndGet();
                    } else {
                        assertThat(r.getStatus()).isEqualTo(200);
                    }
                    r.close();
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();

        // every escrow ended exactly once; balances follow from the outcomes
        Map<String, Long> expected = new ConcurrentHashMap<>();
        clientIds.forEach(c -> expected.put(c, 10_000L));
        agents.forEach(a -> expected.put(a, 0L));
        for (var e : escrows.entrySet()) {
            JsonNode x = json(api.get("/economy/escrows/" + e.getKey(), admin), 200);
            String status = x.get("status").asText();
            assertThat(status).isIn("POSTED", "VOIDED");
            if ("POSTED".equals(status)) {
                long posted = x.get("posted_amount").asLong();
                long fee = x.get("fee").asLong();
                assertThat(fee).isEqualTo(posted * 500 / 10_000);
                expected.merge(e.getValue()[0], -posted, Long::sum);
                expected.merge(e.getValue()[1], posted - fee, Long::sum);
            }
        }
        for (var e : expected.entrySet()) {
            JsonNode b = json(api.get("/economy/accounts/" + e.getKey(), admin), 200);
            assertThat(b.get("available").asLong()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(b.get("pending").asLong()).as(e.getKey()).isZero();
        }
        assertLedgerHolds();
    }

    private void assertLedgerHolds() {
        JsonNode check = json(api.get("/economy/ledger/check", admin), 200);
        assertThat(check.get("problems")).as(check.toString()).isEmpty();
        assertThat(check.get("ok").asBoolean()).isTrue();
        assertThat(check.at("/currencies/0/balance_sum").asLong()).isZero();
    }

    /** A new client with this much deposited. */
    private String funded(long amount) {
        String client = "cl_" + UUID.randomUUID();
        json(api.post("/economy/deposits", admin, deposit("fund-" + client).formatted(client, amount)), 201);
        return client;
    }

    private static String deposit(String id) {
        return "{\"deposit_id\":\"" + id + "\",\"owner_id\":\"%s\",\"amount\":%d}";
    }

    private static String escrow(String id, String payer, String payee, long amount) {
        return "{\"escrow_id\":\"" + id + "\",\"payer_id\":\"" + payer + "\",\"payee_id\":\"" + payee
                + "\",\"amount\":" + amount + "}";
    }
}
