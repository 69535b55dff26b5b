package dev.ains.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BatchCycleTest {
    @Test
    void findsTheTasksOnACycleAndNothingElse() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 hangs off it; 4 -> 5 is a plain chain
        Map<Integer, List<Integer>> edges = Map.of(0, List.of(1), 1, List.of(2), 2, List.of(0), 3, List.of(0),
                4, List.of(5));
        assertThat(BatchService.cycleMembers(6, edges)).contains(0, 1, 2).doesNotContain(4, 5);
    }

    @Test
    void noCycleNoMembers() {
        assertThat(BatchService.cycleMembers(3, Map.of(0, List.of(1), 1, List.of(2)))).isEmpty();
    }
}
