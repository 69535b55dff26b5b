package dev.ains.economy.service;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Ledger and escrow metrics (docs/metrics.md). Amounts are counted in minor units per currency. */
@ApplicationScoped
public class LedgerMetrics {
    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private final AtomicLong checkOk = new AtomicLong(1);
    private final AtomicLong checkProblems = new AtomicLong();

    void registerGauges() {
        registry.gauge("ains_ledger_check_ok", checkOk, AtomicLong::get);
        registry.gauge("ains_ledger_check_problems", checkProblems, AtomicLong::get);
    }

    void transfer(String code, String currency, long amount) {
        registry.counter("ains_ledger_transfers_total", new Tag("code", code)).inc();
        registry.counter("ains_ledger_transfer_amount_total", new Tag("code", code), new Tag("currency", currency))
                .inc(amount);
        if ("escrow_fee".equals(code)) {
            registry.counter("ains_fee_income_total", new Tag("currency", currency)).inc(amount);
        }
    }

    /** event: opened, posted, voided, expired */
    void escrow(String event, String currency, long amount) {
        registry.counter("ains_escrows_total", new Tag("event", event)).inc();
        registry.counter("ains_escrow_amount_total", new Tag("event", event), new Tag("currency", currency))
                .inc(amount);
    }

    /** A channel payment raised what the agent is owed by {@code amount}. */
    void channelPayment(String currency, long amount) {
        registry.counter("ains_channel_payments_total").inc();
        registry.counter("ains_channel_payment_amount_total", new Tag("currency", currency)).inc(amount);
    }

    /** event: opened, awarded, no_bids, failed, cancelled */
    void auction(String event) {
        registry.counter("ains_auctions_total", new Tag("event", event)).inc();
    }

    void bid(boolean declined) {
        registry.counter("ains_bids_total", new Tag("kind", declined ? "declined" : "bid")).inc();
    }

    void checked(int problems) {
        checkOk.set(problems == 0 ? 1 : 0);
        checkProblems.set(problems);
    }
}
