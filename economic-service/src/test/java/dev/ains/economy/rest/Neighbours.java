package dev.ains.economy.rest;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * One WireMock for the whole test JVM, standing in for agent-registry and task-service. The REST client
 * URLs are system properties read when a test class's container starts; whichever test class's static
 * initialiser runs first, they all point at this one server (each class stubs it as it needs). It
 * stops with the JVM.
 */
final class Neighbours {
    static final WireMockServer SERVER = start();

    private Neighbours() {
    }

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        System.setProperty("agent-registry/mp-rest/url", server.baseUrl());
        System.setProperty("task-service/mp-rest/url", server.baseUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        noRevocations(server);
        return server;
    }

    /** The registry's revocation feed, empty (the service polls it every second). */
    static void noRevocations(WireMockServer server) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/ains/internal/revocations"))
                .atPriority(10).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"items\":[],\"as_of\":\"" + java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC) + "\"}")));
    }
}
