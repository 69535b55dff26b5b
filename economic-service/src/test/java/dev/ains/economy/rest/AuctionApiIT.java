package dev.ains.economy.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.TestAuthority;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Auctions over HTTP against a real PostgreSQL, with WireMock as the registry (agent API keys) and as
 * task-service (where auction results are delivered through the outbox).
 */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.economy.auction-check-ms", value = "100")
@AddConfig(key = "ains.outbox.poll-ms", value = "50")
@AddConfig(key = "ains.economy.expiry-check-ms", value = "200")
class AuctionApiIT {
    private static final WireMockServer NEIGHBOURS = Neighbours.SERVER;

    @Inject
    WebTarget target;
    /** Signs as the registry; started before the container so that the service reads where its keys are. */
    static final TestAuthority jwt = TestAuthority.start();
    @Inject
    dev.ains.kit.db.Database database;

    private Api api;
    private Auth admin;
    private Auth service;
    // the same agents in every test: their verified keys are cached by the service
    private static final UUID a1 = UUID.randomUUID();
    private static final UUID a2 = UUID.randomUUID();
    private static final UUID a3 = UUID.randomUUID();
    private static final Auth AGENT1 = Auth.apiKey("ak_1");
    private static final Auth AGENT2 = Auth.apiKey("ak_2");
    private static final Auth AGENT3 = Auth.apiKey("ak_3");

    @BeforeEach
    void setUp() {
        api = new Api(target);
        admin = Auth.bearer(jwt.issue("admin", List.of(Roles.ADMIN), 600));
        service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 600));
        NEIGHBOURS.resetAll();
        Neighbours.noRevocations(NEIGHBOURS);
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"x\",\"title\":\"Not found\",\"status\":404}")));
        for (var k : List.of(new Object[] {"ak_1", a1}, new Object[] {"ak_2", a2}, new Object[] {"ak_3", a3})) {
            NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.api_key", equalTo((String) k[0])))
                    .willReturn(okJson("{\"agent_id\":\"" + k[1] + "\",\"status\":\"ONLINE\"}")));
        }
        NEIGHBOURS.stubFor(post(urlEqualTo("/internal/auction-results")).willReturn(aResponse().withStatus(204)));
        NEIGHBOURS.stubFor(post(urlEqualTo("/internal/agent-events")).willReturn(aResponse().withStatus(204)));
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/earnings")).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void bidsAreScoredTheWinnerIsPaidItsBidInEscrowAndTaskServiceIsTold() {
        String client = funded(10_000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        UUID task = UUID.randomUUID();
        open(task, client, 1000, 60);
        open(task, client, 1000, 60); // again: still one auction
        // each invitee is told on its event stream (through task-service), once
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(NEIGHBOURS.findAll(
                postRequestedFor(urlEqualTo("/internal/agent-events"))).stream()
                .flatMap(r -> Json.tree(r.getBodyAsString()).get("events").findValues("agent_id").stream())
                .map(JsonNode::asText).filter(id -> id.equals(a1.toString()) || id.equals(a2.toString())))
                .hasSize(2));
        assertThat(NEIGHBOURS.findAll(postRequestedFor(urlEqualTo("/internal/agent-events"))).get(0)
                .getBodyAsString()).contains("auction.invited").contains(task.toString()).contains("\"budget\":1000");

        assertThat(fields(json(api.post("/economy/auctions/" + task + "/bids", AGENT1, "{\"price\":-1}"), 422)))
                .contains("price", "eta_seconds", "confidence");
        json(api.post("/economy/auctions/" + task + "/bids", AGENT3, bid(10, 10, 1.0)), 403);
        json(api.post("/economy/auctions/" + task + "/bids", asClient, bid(10, 10, 1.0)), 403);
        // dear, fast, confident and well reputed against cheap, slow and unsure: equal weights pick the first
        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, bid(950, 60, 0.95)), 200);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, bid(900, 60, 0.95)), 200); // replaces
        assertThat(json(api.get("/economy/auctions?status=OPEN", AGENT2), 200).get("items").findValuesAsText("auction_id"))
                .contains(task.toString());
        json(api.post("/economy/auctions/" + task + "/bids", AGENT2, bid(200, 600, 0.6)), 200);

        // every invited agent answered: awarded before the deadline
        JsonNode awarded = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/economy/auctions/" + task, asClient), 200),
                a -> "AWARDED".equals(a.get("status").asText()));
        assertThat(awarded.get("winner_agent_id").asText()).isEqualTo(a1.toString());
        assertThat(awarded.get("price").asLong()).isEqualTo(900);
        assertThat(awarded.get("escrow_id").asText()).isEqualTo("task:" + task);
        assertThat(awarded.get("bids")).hasSize(2);
        assertThat(awarded.at("/bids/0/score").asDouble()).isGreaterThan(awarded.at("/bids/1/score").asDouble());
        JsonNode seenByLoser = json(api.get("/economy/auctions/" + task, AGENT2), 200);
        assertThat(seenByLoser.get("bids")).hasSize(1);
        json(api.get("/economy/auctions/" + task, AGENT3), 404);
        assertThat(json(api.post("/economy/auctions/" + task + "/bids", AGENT2, bid(100, 60, 0.9)), 409).get("type")
                .asText()).endsWith("auction-closed");
        JsonNode held = json(api.get("/economy/accounts/" + client, asClient), 200);
        assertThat(held.get("available").asLong()).isEqualTo(9100);
        assertThat(held.get("pending").asLong()).isEqualTo(900);
        // the winner's pay moves only by the task's outcome: the client cannot void it by settling for 0, and
        // nobody (admins included) settles or refunds it through the escrow API
        json(api.post("/economy/escrows/task:" + task + "/settle", asClient,
                "{\"settlement_id\":\"take-back\",\"amount\":0}"), 403);
        json(api.post("/economy/escrows/task:" + task + "/settle", admin, "{\"settlement_id\":\"s\"}"), 403);
        json(api.post("/economy/escrows/task:" + task + "/refund", admin, "{\"refund_id\":\"r\"}"), 403);
        json(api.post("/economy/escrows/task:" + task + "/settle", AGENT1, "{\"settlement_id\":\"s\"}"), 403);
        assertThat(json(api.get("/economy/escrows/task:" + task, admin), 200).get("status").asText())
                .isEqualTo("PENDING");
        // and no one can take an auction's escrow name in advance (squatting would break its award)
        assertThat(json(api.post("/economy/escrows", asClient, "{\"escrow_id\":\"task:" + UUID.randomUUID()
                + "\",\"payer_id\":\"" + client + "\",\"payee_id\":\"" + a1 + "\",\"amount\":5}"), 422)
                .at("/errors/0/field").asText()).isEqualTo("escrow_id");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> NEIGHBOURS.verify(postRequestedFor(
                urlEqualTo("/internal/auction-results")).withRequestBody(matchingJsonPath("$.results[0].task_id",
                equalTo(task.toString()))).withRequestBody(matchingJsonPath("$.results[0].result", equalTo("awarded")))
                .withRequestBody(matchingJsonPath("$.results[0].agent_id", equalTo(a1.toString())))));

        // the task completes: the winner is paid its bid less the fee; the same outcome again changes nothing
        String done = "{\"outcomes\":[{\"task_id\":\"" + task + "\",\"outcome\":\"COMPLETED\"}]}";
        long agentBefore = json(api.get("/economy/accounts/" + a1, admin), 200).get("available").asLong();
        json(api.post("/economy/internal/task-outcomes", service, done), 204);
        json(api.post("/economy/internal/task-outcomes", service, done), 204);
        json(api.post("/economy/internal/task-outcomes", asClient, done), 403);
        assertThat(json(api.get("/economy/escrows/task:" + task, admin), 200).get("status").asText())
                .isEqualTo("POSTED");
        assertThat(json(api.get("/economy/accounts/" + a1, admin), 200).get("available").asLong())
                .isEqualTo(agentBefore + 855);
        // the registry hears of the earning (reputation)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> NEIGHBOURS.verify(postRequestedFor(
                urlEqualTo("/ains/internal/earnings")).withRequestBody(matchingJsonPath("$.events[0].agent_id",
                equalTo(a1.toString()))).withRequestBody(matchingJsonPath("$.events[0].amount", equalTo("855")))));
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(9100);
        assertLedgerHolds();
    }

    @Test
    void aTasksEscrowOutlivesItsTimerForAsLongAsTheTaskCanComplete() {
        String client = funded(10_000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        UUID task = UUID.randomUUID();
        open(task, client, 1000, 60);
        bothBid(task);
        assertThat(awaitEnd(task, asClient).get("status").asText()).isEqualTo("AWARDED");
        // the task is still retrying when its escrow's timer runs out; a plain escrow beside it expires
        String plain = "plain-" + UUID.randomUUID();
        json(api.post("/economy/escrows", admin, "{\"escrow_id\":\"" + plain + "\",\"payer_id\":\"" + client
                + "\",\"payee_id\":\"agent-x\",\"amount\":100,\"expires_in_seconds\":1}"), 201);
        database.client().execute().dml("UPDATE escrows SET expires_at = now() - interval '1 second'"
                + " WHERE escrow_id = ?", "task:" + task);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(api.get("/economy/escrows/" + plain, admin), 200).get("status").asText())
                        .isEqualTo("VOIDED"));
        assertThat(json(api.get("/economy/escrows/task:" + task, admin), 200).get("status").asText())
                .as("the winner's pay waits for the task's outcome").isEqualTo("PENDING");
        json(api.post("/economy/internal/task-outcomes", service, "{\"outcomes\":[{\"task_id\":\"" + task
                + "\",\"outcome\":\"COMPLETED\"}]}"), 204);
        assertThat(json(api.get("/economy/escrows/task:" + task, admin), 200).get("status").asText())
                .isEqualTo("POSTED");
        assertLedgerHolds();
    }

    @Test
    void oneAuctionThatCannotBeAwardedDoesNotHoldUpTheOthers() {
        String client = funded(10_000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        UUID blocked = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        // an escrow already holds the name the award needs (as squatting could before names were reserved)
        database.client().execute().dml("INSERT INTO escrows (escrow_id, payer_id, payee_id, amount, currency,"
                + " expires_at) VALUES (?, 'squatter', 'squatter-agent', 1, 'USD', now() + interval '1 day')",
                "task:" + blocked);
        try {
            open(blocked, client, 1000, 60);
            open(other, client, 1000, 60);
            bothBid(blocked);
            bothBid(other);
            assertThat(awaitEnd(other, asClient).get("status").asText()).isEqualTo("AWARDED");
            assertThat(json(api.get("/economy/auctions/" + blocked, asClient), 200).get("status").asText())
                    .as("the failing one waits for the next pass").isEqualTo("OPEN");
            assertThat(api.text("/metrics")).containsPattern("ains_auctions_total\\{[^}]*event=\"award_failed\"");
        } finally {
            database.client().execute().dml("DELETE FROM escrows WHERE escrow_id = ?", "task:" + blocked);
        }
        assertThat(awaitEnd(blocked, asClient).get("status").asText()).as("awarded once it can be").isEqualTo("AWARDED");
        assertLedgerHolds();
    }

    @Test
    void theClientsPreferencesChangeTheWinnerAndACancelledTaskIsRefunded() {
        String client = funded(5000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        JsonNode defaults = json(api.get("/economy/preferences", asClient), 200);
        assertThat(defaults.get("weight_price").asDouble()).isEqualTo(1.0);
        assertThat(defaults.get("no_bid_policy").asText()).isEqualTo("route");
        assertThat(fields(json(api.put("/economy/preferences", asClient,
                "{\"weight_price\":-1,\"min_confidence\":2}"), 422))).containsExactlyInAnyOrder("weight_price",
                "min_confidence");
        json(api.put("/economy/preferences", asClient, "{\"weight_price\":10}"), 200);

        UUID task = UUID.randomUUID();
        open(task, client, 1000, 60);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, bid(900, 60, 0.95)), 200);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT2, bid(200, 600, 0.6)), 200);
        JsonNode awarded = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/economy/auctions/" + task, asClient), 200),
                a -> "AWARDED".equals(a.get("status").asText()));
        assertThat(awarded.get("winner_agent_id").asText()).isEqualTo(a2.toString());
        assertThat(awarded.get("price").asLong()).isEqualTo(200);

        json(api.post("/economy/internal/task-outcomes", service, "{\"outcomes\":[{\"task_id\":\"" + task
                + "\",\"outcome\":\"CANCELLED\",\"reason\":\"client cancelled\"}]}"), 204);
        assertThat(json(api.get("/economy/escrows/task:" + task, admin), 200).get("status").asText())
                .isEqualTo("VOIDED");
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong())
                .isEqualTo(5000);
        assertLedgerHolds();
    }

    @Test
    void withoutAnAcceptableBidThePolicyDecidesAndAClientThatCannotPayFailsTheAuction() {
        String client = funded(300);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        // nobody bids within the deadline: routed without payment (the default)
        UUID quiet = UUID.randomUUID();
        open(quiet, client, 1000, 1);
        JsonNode routed = awaitEnd(quiet, asClient);
        assertThat(routed.get("status").asText()).isEqualTo("NO_BIDS");

        // only an over-budget bid and a refusal, and the client wants failure then
        json(api.put("/economy/preferences", asClient, "{\"no_bid_policy\":\"fail\"}"), 200);
        UUID picky = UUID.randomUUID();
        open(picky, client, 100, 60);
        json(api.post("/economy/auctions/" + picky + "/bids", AGENT1, bid(150, 60, 0.9)), 200);
        json(api.post("/economy/auctions/" + picky + "/bids", AGENT2, "{\"decline\":true}"), 200);
        JsonNode failed = awaitEnd(picky, asClient);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("bids").findValuesAsText("excluded_reason")).anyMatch(r -> r.contains("over the budget"))
                .contains("declined");

        // the winning bid is more than the client has
        UUID dear = UUID.randomUUID();
        open(dear, client, 1000, 60);
        json(api.post("/economy/auctions/" + dear + "/bids", AGENT1, bid(800, 60, 0.9)), 200);
        json(api.post("/economy/auctions/" + dear + "/award", asClient, ""), 200);
        JsonNode poor = json(api.get("/economy/auctions/" + dear, asClient), 200);
        assertThat(poor.get("status").asText()).isEqualTo("FAILED");
        assertThat(poor.get("outcome_reason").asText()).contains("cannot cover").contains("800").contains("300");
        assertThat(json(api.post("/economy/auctions/" + dear + "/award", asClient, ""), 409).get("type").asText())
                .endsWith("auction-closed");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var results = NEIGHBOURS.findAll(postRequestedFor(urlEqualTo("/internal/auction-results"))).stream()
                    .map(r -> Json.tree(r.getBodyAsString()).get("results")).toList();
            assertThat(results.toString()).contains(quiet + "\",\"result\":\"no_bids\"")
                    .contains(picky + "\",\"result\":\"failed\"").contains(dear + "\",\"result\":\"failed\"");
        });
        assertThat(json(api.get("/economy/accounts/" + client, asClient), 200).get("available").asLong()).isEqualTo(300);
        assertLedgerHolds();
    }

    /**
     * Invitations that cannot leave (task-service not answering) hold the auction open past its deadline;
     * once they go out, the invitees get the whole window from then, and the events say so.
     */
    @Test
    void anAuctionWhoseInvitationsLeaveLateGetsItsWholeWindowFromThen() {
        String client = funded(1000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        NEIGHBOURS.stubFor(post(urlEqualTo("/internal/agent-events")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        UUID task = UUID.randomUUID();
        open(task, client, 1000, 2);
        JsonNode opened = json(api.get("/economy/auctions/" + task, asClient), 200);
        java.time.OffsetDateTime firstDeadline = java.time.OffsetDateTime.parse(opened.get("deadline").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> !NEIGHBOURS.findAll(postRequestedFor(
                urlEqualTo("/internal/agent-events"))).isEmpty());
        // well past the deadline (the award job looks every 100 ms), nobody has heard of the auction: open
        await().atMost(Duration.ofSeconds(10)).until(() ->
                java.time.OffsetDateTime.now().isAfter(firstDeadline.plusNanos(700_000_000)));
        assertThat(json(api.get("/economy/auctions/" + task, asClient), 200).get("status").asText())
                .isEqualTo("OPEN");

        java.time.OffsetDateTime released = java.time.OffsetDateTime.now();
        NEIGHBOURS.stubFor(post(urlEqualTo("/internal/agent-events")).atPriority(1)
                .willReturn(aResponse().withStatus(204)));
        // (each refused attempt restarted the window too, the last one that went out counts)
        List<JsonNode> sent = await().atMost(Duration.ofSeconds(10)).until(() -> NEIGHBOURS.getAllServeEvents()
                .stream().filter(e -> e.getRequest().getUrl().equals("/internal/agent-events")
                        && e.getResponse().getStatus() == 204)
                .flatMap(e -> java.util.stream.StreamSupport.stream(Json.tree(e.getRequest().getBodyAsString())
                        .get("events").spliterator(), false))
                .filter(e -> e.get("task_id").asText().equals(task.toString()))
                .toList(), l -> l.size() == 2);
        // the invitations that went out carry the new deadline: the whole window from when they left
        JsonNode restarted = json(api.get("/economy/auctions/" + task, asClient), 200);
        java.time.OffsetDateTime deadline = java.time.OffsetDateTime.parse(restarted.get("deadline").asText());
        assertThat(deadline).isAfter(released.plusSeconds(2));
        assertThat(sent).allSatisfy(e -> assertThat(java.time.OffsetDateTime.parse(e.get("deadline").asText()))
                .isCloseTo(deadline, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS)));

        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, bid(600, 60, 0.9)), 200);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT2, "{\"decline\":true}"), 200);
        JsonNode awarded = awaitEnd(task, asClient);
        assertThat(awarded.get("status").asText()).isEqualTo("AWARDED");
        assertThat(awarded.get("winner_agent_id").asText()).isEqualTo(a1.toString());
        assertLedgerHolds();
    }

    /**
     * An unanswered auction whose window an outage (no award pass anywhere) cut into gets its window again
     * instead of closing without bids, once; then it ends as usual.
     */
    @Test
    void anUnansweredAuctionWhoseWindowAnOutageCutIntoGetsItOnceMore() {
        String client = funded(1000);
        Auth asClient = Auth.bearer(jwt.issue(client, List.of(Roles.CLIENT), 600));
        await().atMost(Duration.ofSeconds(10)).until(() -> database.client().execute()
                .get("SELECT 1 FROM job_heartbeats WHERE job = 'auction-award'").isPresent());
        UUID task = UUID.randomUUID();
        open(task, client, 1000, 2);
        // the outage: for 6 s no award pass gets through (they wait for the job's row), and the 2 s
        // window ends in the middle of it
        database.inTransactionRun(tx -> {
            tx.get("SELECT 1 FROM job_heartbeats WHERE job = 'auction-award' FOR UPDATE");
            try {
                Thread.sleep(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        JsonNode restarted = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/economy/auctions/" + task, asClient), 200),
                a -> java.time.OffsetDateTime.parse(a.get("deadline").asText()).isAfter(java.time.OffsetDateTime.now()));
        assertThat(restarted.get("status").asText()).isEqualTo("OPEN");
        // the invitees are told again, with the new deadline
        java.time.OffsetDateTime deadline = java.time.OffsetDateTime.parse(restarted.get("deadline").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(NEIGHBOURS.findAll(
                postRequestedFor(urlEqualTo("/internal/agent-events"))).stream()
                .flatMap(r -> java.util.stream.StreamSupport.stream(Json.tree(r.getBodyAsString()).get("events")
                        .spliterator(), false))
                .filter(e -> e.get("task_id").asText().equals(task.toString()))
                .filter(e -> java.time.OffsetDateTime.parse(e.get("deadline").asText()).isEqual(deadline))
                .map(e -> e.get("agent_id").asText())).containsExactlyInAnyOrder(a1.toString(), a2.toString()));

        json(api.post("/economy/auctions/" + task + "/bids", AGENT2, bid(400, 60, 0.9)), 200);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, "{\"decline\":true}"), 200);
        JsonNode awarded = awaitEnd(task, asClient);
        assertThat(awarded.get("status").asText()).isEqualTo("AWARDED");
        assertThat(awarded.get("winner_agent_id").asText()).isEqualTo(a2.toString());

        // once only: an auction whose window already restarted, the same outage in it, ends as it stands
        // (here without bids)
        UUID again = UUID.randomUUID();
        open(again, client, 1000, 30);
        database.client().execute().dml("UPDATE auctions SET created_at = h.outage_from - interval '60 seconds', "
                + "deadline = h.outage_from + interval '1 second' FROM job_heartbeats h "
                + "WHERE h.job = 'auction-award' AND auction_id = ?", again);
        assertThat(awaitEnd(again, asClient).get("status").asText()).isEqualTo("NO_BIDS");
        assertLedgerHolds();
    }

    /**
     * Hundreds of auctions at once: opened (and replayed), bid on by both agents (bids replaced), awarded,
     * then completed, cancelled or dead-lettered in parallel with every outcome sent twice. Afterwards every
     * escrow ended once, posted for completed tasks and voided otherwise, each client paid exactly the
     * winning prices of its completed tasks, and the ledger check holds.
     */
    @Test
    void hundredsOfAuctionsAwardsAndSettlementsInParallelWithReplays() throws Exception {
        List<String> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(funded(50_000));
        }
        String poor = funded(150); // some of its auctions cannot be paid
        clients.add(poor);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.Map<UUID, String> owner = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
        for (String c : clients) {
            for (int i = 0; i < 30; i++) {
                UUID task = UUID.randomUUID();
                owner.put(task, c);
                work.add(pool.submit(() -> {
                    open(task, c, 1000, 60);
                    open(task, c, 1000, 60);
                    var rnd = java.util.concurrent.ThreadLocalRandom.current();
                    for (Auth agent : List.of(AGENT1, AGENT2)) {
                        for (int b = 0; b < 2; b++) { // a bid, then its replacement (too late once both answered)
                            try (var r = api.post("/economy/auctions/" + task + "/bids", agent,
                                    bid(rnd.nextInt(100, 900), 60, 0.9))) {
                                assertThat(r.getStatus()).isIn(200, 409);
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        for (var f : work) {
            f.get();
        }
        Auth asAdmin = admin;
        await().atMost(Duration.ofSeconds(30)).until(() -> owner.keySet().stream().noneMatch(t ->
                "OPEN".equals(json(api.get("/economy/auctions/" + t, asAdmin), 200).get("status").asText())));

        java.util.Map<UUID, String> outcome = new java.util.concurrent.ConcurrentHashMap<>();
        work.clear();
        int n = 0;
        for (UUID task : owner.keySet()) {
            String o = List.of("COMPLETED", "COMPLETED", "COMPLETED", "CANCELLED", "DEAD_LETTERED").get(n++ % 5);
            outcome.put(task, o);
            String body = "{\"outcomes\":[{\"task_id\":\"" + task + "\",\"outcome\":\"" + o + "\"}]}";
            for (int replay = 0; replay < 2; replay++) {
                work.add(pool.submit(() -> {
                    json(api.post("/economy/internal/task-outcomes", service, body), 204);
                    return null;
                }));
            }
        }
        for (var f : work) {
            f.get();
        }
        pool.shutdown();

        java.util.Map<String, Long> spent = new java.util.HashMap<>();
        int failed = 0;
        for (UUID task : owner.keySet()) {
            JsonNode a = json(api.get("/economy/auctions/" + task, admin), 200);
            if ("FAILED".equals(a.get("status").asText())) {
                failed++;
                assertThat(owner.get(task)).isEqualTo(poor);
                continue;
            }
            assertThat(a.get("status").asText()).isEqualTo("AWARDED");
            JsonNode e = json(api.get("/economy/escrows/task:" + task, admin), 200);
            boolean completed = "COMPLETED".equals(outcome.get(task));
            assertThat(e.get("status").asText()).isEqualTo(completed ? "POSTED" : "VOIDED");
            if (completed) {
                spent.merge(owner.get(task), a.get("price").asLong(), Long::sum);
            }
        }
        assertThat(failed).as("the poor client's auctions beyond its funds").isPositive();
        for (String c : clients) {
            long deposit = c.equals(poor) ? 150 : 50_000;
            JsonNode b = json(api.get("/economy/accounts/" + c, admin), 200);
            assertThat(b.get("available").asLong()).as(c).isEqualTo(deposit - spent.getOrDefault(c, 0L));
            assertThat(b.get("pending").asLong()).as(c).isZero();
        }
        assertLedgerHolds();
    }

    /** The auction once it is no longer open. */
    private JsonNode awaitEnd(UUID task, Auth as) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> json(api.get("/economy/auctions/" + task, as), 200),
                a -> !"OPEN".equals(a.get("status").asText()));
    }

    private void open(UUID task, String client, long budget, int seconds) {
        json(api.post("/economy/internal/auctions", service, "{\"auctions\":[{\"task_id\":\"" + task
                + "\",\"client_id\":\"" + client + "\",\"capability\":\"cap\",\"task_type\":\"t\",\"budget\":" + budget
                + ",\"deadline_seconds\":" + seconds + ",\"invited\":[{\"agent_id\":\"" + a1
                + "\",\"trust_score\":0.9},{\"agent_id\":\"" + a2 + "\",\"trust_score\":0.5}]}]}"), 204);
    }

    /** Both invitees bid: the auction is due at once. */
    private void bothBid(UUID task) {
        json(api.post("/economy/auctions/" + task + "/bids", AGENT1, bid(500, 60, 0.9)), 200);
        json(api.post("/economy/auctions/" + task + "/bids", AGENT2, bid(600, 60, 0.9)), 200);
    }

    private static String bid(long price, int eta, double confidence) {
        return "{\"price\":" + price + ",\"eta_seconds\":" + eta + ",\"confidence\":" + confidence + "}";
    }

    private String funded(long amount) {
        String client = "cl_" + UUID.randomUUID();
        json(api.post("/economy/deposits", admin, "{\"deposit_id\":\"fund-" + client + "\",\"owner_id\":\"" + client
                + "\",\"amount\":" + amount + "}"), 201);
        return client;
    }

    private void assertLedgerHolds() {
        JsonNode check = json(api.get("/economy/ledger/check", admin), 200);
        assertThat(check.get("problems")).as(check.toString()).isEmpty();
    }
}
