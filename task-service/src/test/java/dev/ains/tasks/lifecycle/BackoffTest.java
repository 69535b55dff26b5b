package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromTheBaseWithoutJitter() {
        Backoff b = new Backoff(1000, 60_000, 0);
        RandomGenerator r = new SplittableRandom(1);
        assertThat(new long[]{b.delayMs(1, r), b.delayMs(2, r), b.delayMs(3, r), b.delayMs(4, r), b.delayMs(5, r)})
                .containsExactly(1000, 2000, 4000, 8000, 16000);
    }

    @Test
    void linearAndFixedStrategies() {
        RandomGenerator r = new SplittableRandom(1);
        Backoff linear = new Backoff(Backoff.Strategy.LINEAR, 500, 60_000, 0);
        assertThat(new long[]{linear.delayMs(1, r), linear.delayMs(2, r), linear.delayMs(3, r)})
                .containsExactly(500, 1000, 1500);
        Backoff fixed = new Backoff(Backoff.Strategy.FIXED, 700, 60_000, 0);
        assertThat(new long[]{fixed.delayMs(1, r), fixed.delayMs(9, r)}).containsExactly(700, 700);
    }

    @Test
    void isCapped() {
        Backoff b = new Backoff(1000, 10_000, 0);
        assertThat(b.delayMs(5, new SplittableRandom(1))).isEqualTo(10_000);
        assertThat(b.delayMs(60, new SplittableRandom(1))).isEqualTo(10_000);
    }

    @Test
    void jitterStaysWithinItsBoundsAndSpreads() {
        Backoff b = new Backoff(1000, 60_000, 0.2);
        RandomGenerator r = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = b.delayMs(3, r);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isGreaterThanOrEqualTo(3200);
        assertThat(max).isLessThanOrEqualTo(4800);
        assertThat(max - min).as("not one thundering herd").isGreaterThan(1000);
    }
}
