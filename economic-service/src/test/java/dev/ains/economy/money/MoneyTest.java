package dev.ains.economy.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MoneyTest {
    @Test
    void theFeeIsRoundedDownAndPayeePlusFeeIsAlwaysThePostedAmount() {
        assertThat(Money.split(1000, 500)).isEqualTo(new Money.Split(950, 50));
        assertThat(Money.split(19, 500)).isEqualTo(new Money.Split(19, 0)); // 0.95 of a cent: no fee
        assertThat(Money.split(21, 500)).isEqualTo(new Money.Split(20, 1));
        assertThat(Money.split(0, 500)).isEqualTo(new Money.Split(0, 0));
        assertThat(Money.split(777, 0)).isEqualTo(new Money.Split(777, 0));
        assertThat(Money.split(777, 10_000)).isEqualTo(new Money.Split(0, 777));
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long amount = Math.floorMod(r.nextLong(), Money.MAX_AMOUNT + 1);
            int bps = r.nextInt(10_001);
            Money.Split s = Money.split(amount, bps);
            assertThat(s.payee() + s.fee()).isEqualTo(amount);
            assertThat(s.fee()).isBetween(0L, amount);
        }
        Money.Split max = Money.split(Money.MAX_AMOUNT, 10_000);
        assertThat(max.fee()).isEqualTo(Money.MAX_AMOUNT);
    }

    @Test
    void amountsAndRatesOutOfRangeAndBadCurrenciesAreRefused() {
        assertThatThrownBy(() -> Money.split(-1, 500)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.split(Money.MAX_AMOUNT + 1, 500)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.split(10, 10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.isCurrency("EUR")).isTrue();
        assertThat(Money.isCurrency("eur")).isFalse();
        assertThat(Money.isCurrency("EURO")).isFalse();
        assertThat(Money.isCurrency(null)).isFalse();
    }
}
