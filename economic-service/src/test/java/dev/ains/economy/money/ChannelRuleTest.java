package dev.ains.economy.money;

import static dev.ains.economy.money.ChannelRule.Verdict.ACCEPTED;
import static dev.ains.economy.money.ChannelRule.Verdict.DECREASING;
import static dev.ains.economy.money.ChannelRule.Verdict.OVER_DEPOSIT;
import static dev.ains.economy.money.ChannelRule.Verdict.STALE_NONCE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelRuleTest {
    @Test
    void noncesMustRiseAndTheCumulativeAmountMayOnlyGrowUpToTheDeposit() {
        assertThat(ChannelRule.judge(0, 0, 1000, 1, 100)).isEqualTo(ACCEPTED);
        assertThat(ChannelRule.judge(5, 100, 1000, 6, 100)).isEqualTo(ACCEPTED); // the same amount again
        assertThat(ChannelRule.judge(5, 100, 1000, 99, 1000)).isEqualTo(ACCEPTED); // gaps are fine, up to it all
        assertThat(ChannelRule.judge(5, 100, 1000, 5, 200)).isEqualTo(STALE_NONCE); // a replay
        assertThat(ChannelRule.judge(5, 100, 1000, 4, 300)).isEqualTo(STALE_NONCE); // an old one, reordered
        assertThat(ChannelRule.judge(5, 100, 1000, 6, 99)).isEqualTo(DECREASING);
        assertThat(ChannelRule.judge(5, 100, 1000, 6, 1001)).isEqualTo(OVER_DEPOSIT);
        // a stale nonce is refused whatever it carries: order of the checks
        assertThat(ChannelRule.judge(5, 100, 1000, 5, 5000)).isEqualTo(STALE_NONCE);
    }
}
