package dev.ains.analytics.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.ains.analytics.store.AnalyticsStore.Bucket;
import org.junit.jupiter.api.Test;

/** The p95 estimate from the rollup's 25%-wide histogram stays within a bucket's width of the exact value. */
class P95Test {
    @Test
    void noTasksNoFigure() {
        assertThat(AnalyticsService.p95(List.of())).isNull();
    }

    @Test
    void oneDistinctTimePerBucketIsExact() {
        assertThat(AnalyticsService.p95(List.of(new Bucket(null, 21, 1, 100), new Bucket(null, 24, 1, 200),
                new Bucket(null, 26, 1, 300), new Bucket(null, 14, 1, 20)))).isEqualTo(300.0);
    }

    @Test
    void estimateIsWithinABucketOfTheExactPercentile() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                times.add(Math.max(1, Math.round(Math.exp(4 + random.nextGaussian() * 1.2))));
            }
            long[][] hist = new long[200][2];
            for (long ms : times) {
                int b = ms <= 1 ? 0 : (int) Math.ceil(Math.log(ms) / Math.log(1.25));
                hist[b][0]++;
                hist[b][1] += ms;
            }
            List<Bucket> buckets = new ArrayList<>();
            for (int b = 0; b < hist.length; b++) {
                if (hist[b][0] > 0) {
                    buckets.add(new Bucket(null, b, hist[b][0], hist[b][1]));
                }
            }
            times.sort(null);
            double exact = times.get((int) Math.ceil(0.95 * times.size()) - 1);
            assertThat(AnalyticsService.p95(buckets)).isBetween(exact / 1.25, exact * 1.25);
        }
    }
}
