package dev.ains.kit.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedLabelTest {
    @Test
    void theFirstValuesStayAndLaterOnesBecomeOther() {
        BoundedLabel label = new BoundedLabel(2);
        assertThat(label.of("echo")).isEqualTo("echo");
        assertThat(label.of("summarise")).isEqualTo("summarise");
        assertThat(label.of("translate")).isEqualTo(BoundedLabel.OTHER);
        assertThat(label.of("echo")).as("a value seen before keeps its name").isEqualTo("echo");
        assertThat(label.of(null)).isEqualTo("none");
    }
}
