package dev.ains.tasks.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ains.kit.error.ApiProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStateTest {
    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = {"COMPLETED", "CANCELLED"})
    void finishedTasksGoNowhereByThemselves(TaskState s) {
        assertThat(s.terminal()).isTrue();
        for (TaskState to : TaskState.values()) {
            assertThat(s.canMoveTo(to)).isFalse();
        }
    }

    @Test
    void aDeadLetterOnlyGoesBackToTheQueueByHand() {
        assertThat(TaskState.DEAD_LETTERED.terminal()).isTrue();
        for (TaskState to : TaskState.values()) {
            assertThat(TaskState.DEAD_LETTERED.canMoveTo(to)).isEqualTo(to == TaskState.QUEUED);
        }
    }

    @Test
    void theHappyPathIsAllowed() {
        assertThat(TaskState.QUEUED.canMoveTo(TaskState.ASSIGNED)).isTrue();
        assertThat(TaskState.ASSIGNED.canMoveTo(TaskState.RUNNING)).isTrue();
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.COMPLETED)).isTrue();
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.RETRY_WAIT)).isTrue();
        assertThat(TaskState.RETRY_WAIT.canMoveTo(TaskState.QUEUED)).isTrue();
    }

    @Test
    void anIllegalTransitionIsAConflict() {
        assertThatThrownBy(() -> TaskState.require("t1", TaskState.CANCELLED, TaskState.COMPLETED))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(409);
                    assertThat(p.getMessage()).contains("CANCELLED", "COMPLETED");
                });
        assertThatThrownBy(() -> TaskState.require("t1", TaskState.QUEUED, TaskState.COMPLETED))
                .isInstanceOf(ApiProblem.class);
    }
}
