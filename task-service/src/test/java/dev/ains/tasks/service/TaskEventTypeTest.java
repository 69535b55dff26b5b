package dev.ains.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.ains.tasks.client.EventSinks;
import org.junit.jupiter.api.Test;

class TaskEventTypeTest {
    @Test
    void theWebhookEventTypesAreTheSubscribableTaskEventsAndThoseTheSpecNames() throws Exception {
        assertThat(WebhookService.EVENT_TYPES).containsAll(TaskEventType.subscribable())
                .doesNotContain(TaskEventType.REQUEUED.wireName(), TaskEventType.OUTCOME.wireName());
        // the contract lists them for clients: the list there and the one here are the same
        String spec = Files.readString(Path.of("../openapi/task-service.yaml"));
        Matcher m = Pattern.compile("Event types to receive, or `\\*` for all: ([^.]+(?:\\.[a-z_]+[^.]*)*)\\.\\s*\\n")
                .matcher(spec);
        assertThat(m.find()).as("the webhook events list in openapi/task-service.yaml").isTrue();
        Set<String> named = Arrays.stream(m.group(1).split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
        assertThat(named).isEqualTo(WebhookService.EVENT_TYPES);
    }

    @Test
    void everyTaskEventGoesSomewhereAndHasItsOwnName() {
        assertThat(TaskEventType.values()).allSatisfy(t -> assertThat(t.destinations()).isNotEmpty());
        assertThat(Arrays.stream(TaskEventType.values()).map(TaskEventType::wireName).distinct())
                .hasSize(TaskEventType.values().length);
        assertThat(TaskEventType.COMPLETED.destinations()).containsExactly(EventSinks.ANALYTICS, EventSinks.EVENTS);
    }
}
