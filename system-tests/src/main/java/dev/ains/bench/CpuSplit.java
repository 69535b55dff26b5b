package dev.ains.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import dev.ains.launcher.Platform;

/**
 * Where the CPU went during a phase: each service, PostgreSQL and the load generator itself (this JVM),
 * in percent of one core, as {@code top} counts. Read from the operating system's per-process CPU
 * times. PostgreSQL is every {@code postgres} process on the machine (the postmaster is not this JVM's
 * child once {@code pg_ctl} has started it), so nothing else should run one during the benchmark; a
 * process that ended during the phase is missed (the services and their pooled backends live
 * throughout).
 */
final class CpuSplit {
    private static final String POSTGRES = "postgres";
    private static final String LOAD = "load generator";

    private final Platform platform;
    private final Map<String, Duration> start;
    private final long t0 = System.nanoTime();

    private CpuSplit(Platform platform) {
        this.platform = platform;
        this.start = sample(platform);
    }

    static CpuSplit start(Platform platform) {
        return new CpuSplit(platform);
    }

    /** The split since {@link #start}, one line, e.g. {@code task-service 84 %, postgres 62 %, …}. */
    String end() {
        Map<String, Duration> now = sample(platform);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        return now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().minus(start.getOrDefault(e.getKey(), Duration.ZERO))))
                .map(e -> String.format("%s %.0f %%", e.getKey(), 100.0 * e.getValue().toMillis() / wallMs))
                .collect(Collectors.joining(", "));
    }

    private static Map<String, Duration> sample(Platform platform) {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        Map<Long, String> services = new LinkedHashMap<>();
        platform.serviceProcesses().forEach((name, p) -> services.put(p.pid(), name));
        services.values().forEach(name -> cpu.put(name, Duration.ZERO));
        cpu.put(POSTGRES, Duration.ZERO);
        ProcessHandle.allProcesses().forEach(p -> {
            String group = services.get(p.pid());
            if (group == null && p.info().command().map(c -> c.endsWith(POSTGRES)).orElse(false)) {
                group = POSTGRES;
            }
            if (group != null) {
                cpu.merge(group, p.info().totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
            }
        });
        cpu.put(LOAD, ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
        return cpu;
    }
}
