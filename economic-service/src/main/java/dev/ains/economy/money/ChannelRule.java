package dev.ains.economy.money;

/**
 * What a channel payment may be: its nonce strictly above the last one (so a replayed or reordered
 * payment can never take effect), its cumulative amount never below the last one (what is owed only
 * grows) and never above the deposit (the client cannot promise more than it locked).
 */
public final class ChannelRule {
    private ChannelRule() {
    }

    public enum Verdict {
        ACCEPTED, STALE_NONCE, DECREASING, OVER_DEPOSIT
    }

    public static Verdict judge(long lastNonce, long lastCumulative, long deposit, long nonce, long cumulative) {
        if (nonce <= lastNonce) {
            return Verdict.STALE_NONCE;
        }
        if (cumulative < lastCumulative) {
            return Verdict.DECREASING;
        }
        if (cumulative > deposit) {
            return Verdict.OVER_DEPOSIT;
        }
        return Verdict.ACCEPTED;
    }
}
