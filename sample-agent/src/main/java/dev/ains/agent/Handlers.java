package dev.ains.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The mocked work, by task type: {@code echo} returns its input, {@code uppercase} upper-cases
 * {@code input.text}, {@code sleep} waits {@code input.ms} (default 100) and {@code fail} always fails.
 * Any other type fails permanently: this agent cannot do it.
 */
final class Handlers {
    private Handlers() {
    }

    /** A failure the agent reports; {@code retryable} false marks a permanent error. */
    static final class TaskFailed extends Exception {
        final boolean retryable;

        TaskFailed(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }

    static Map<String, Object> run(String taskType, Map<String, Object> input) throws TaskFailed, InterruptedException {
        Map<String, Object> in = input == null ? Map.of() : input;
        Map<String, Object> out = new LinkedHashMap<>();
        switch (taskType) {
            case "echo" -> out.put("echo", in);
            case "uppercase" -> {
                Object text = in.get("text");
                if (!(text instanceof String s)) {
                    throw new TaskFailed("input_data.text must be a string", false);
                }
                out.put("text", s.toUpperCase(Locale.ROOT));
            }
            case "sleep" -> {
                long ms = in.get("ms") instanceof Number n ? n.longValue() : 100;
                Thread.sleep(Math.max(0, Math.min(ms, 600_000)));
                out.put("slept_ms", ms);
            }
            case "fail" -> throw new TaskFailed(String.valueOf(in.getOrDefault("error", "asked to fail")),
                    !Boolean.FALSE.equals(in.get("retryable")));
            default -> throw new TaskFailed("no handler for task type '" + taskType + "'", false);
        }
        return out;
    }
}
