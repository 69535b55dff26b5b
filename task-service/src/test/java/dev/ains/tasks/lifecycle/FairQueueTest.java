package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FairQueueTest {
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-01-01T12:00:00Z");
    private static final Duration STEP = Duration.ofSeconds(60);

    record W(String id, String client, int priority, OffsetDateTime created) {
    }

    private static List<String> order(List<W> ws) {
        return FairQueue.order(ws, W::client, W::priority, W::created, NOW, STEP).stream().map(W::id).toList();
    }

    @Test
    void higherPriorityFirstThenOlder() {
        assertThat(order(List.of(new W("low", "a", 1, NOW), new W("high", "a", 9, NOW),
                new W("old", "a", 1, NOW.minusSeconds(10))))).containsExactly("high", "old", "low");
    }

    @Test
    void waitingRaisesPriorityOneLevelPerStepUpToTen() {
        assertThat(FairQueue.effectivePriority(1, NOW.minusSeconds(119), NOW, STEP)).isEqualTo(2);
        assertThat(FairQueue.effectivePriority(1, NOW.minusSeconds(3600), NOW, STEP)).isEqualTo(10);
        // a priority-1 task that waited 9 steps ranks with fresh priority-10 work, and is older
        assertThat(order(List.of(new W("fresh10", "a", 10, NOW), new W("aged1", "b", 1, NOW.minusSeconds(540)))))
                .containsExactly("aged1", "fresh10");
    }

    @Test
    void theClientServedLeastGoesFirst() {
        List<W> ws = List.of(new W("flood1", "flooder", 5, NOW.minusSeconds(30)),
                new W("flood2", "flooder", 5, NOW.minusSeconds(20)), new W("small0", "small", 5, NOW.minusSeconds(5)));
        assertThat(FairQueue.order(ws, W::client, W::priority, W::created, NOW, STEP, java.util.Map.of("flooder", 2L))
                .stream().map(W::id).toList()).containsExactly("small0", "flood1", "flood2");
    }

    @Test
    void clientsTakeTurnsWithinAPriority() {
        List<W> ws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ws.add(new W("flood" + i, "flooder", 5, NOW.minusSeconds(50 - i)));
        }
        ws.add(new W("small0", "small", 5, NOW.minusSeconds(10)));
        ws.add(new W("small1", "small", 5, NOW.minusSeconds(5)));
        assertThat(order(ws)).containsExactly("flood0", "small0", "flood1", "small1", "flood2", "flood3", "flood4");
    }
}
