package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import dev.ains.tasks.lifecycle.RoutingScore.Candidate;
import dev.ains.tasks.lifecycle.RoutingScore.Scored;
import org.junit.jupiter.api.Test;

class RoutingScoreTest {
    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @Test
    void trustDecidesFirst() {
        List<Scored> r = RoutingScore.rank(List.of(new Candidate(B, 0.4, 0, 4), new Candidate(A, 0.9, 0, 4)));
        assertThat(r.get(0).candidate().agentId()).isEqualTo(A);
    }

    @Test
    void loadDecidesBetweenSimilarTrust() {
        List<Scored> r = RoutingScore.rank(List.of(new Candidate(A, 0.80, 3, 4), new Candidate(B, 0.78, 0, 4)));
        assertThat(r.get(0).candidate().agentId()).isEqualTo(B);
    }

    @Test
    void aFullAgentIsNotEligibleAndRanksLast() {
        List<Scored> r = RoutingScore.rank(List.of(new Candidate(A, 0.99, 2, 2), new Candidate(B, 0.1, 0, 1)));
        assertThat(r.get(0).candidate().agentId()).isEqualTo(B);
        assertThat(r.get(1).eligible()).isFalse();
        assertThat(r.get(1).reason()).contains("at capacity");
    }

    @Test
    void scoreFormula() {
        assertThat(RoutingScore.score(0.5, 1, 4)).isEqualTo(0.7 * 0.5 + 0.3 * 0.75);
    }
}
