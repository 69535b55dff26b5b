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
    /** Processes of the benchmark's own counted beside the services (the framework floor), by name. */
    private final Map<String, ProcessHandle> extra;
    /** CPU time so far of each process counted, by pid, with its group. */
    private final Map<Long, Sample> start;
    private final long t0 = System.nanoTime();

    private record Sample(String group, Duration cpu) {
    }

    private CpuSplit(Platform platform, Map<String, ProcessHandle> extra) {
        this.platform = platform;
        this.extra = extra;
        this.start = sample();
    }

    static CpuSplit start(Platform platform) {
        return new CpuSplit(platform, Map.of());
    }

    /** As {@link #start(Platform)}, also counting the given processes under their names. */
    static CpuSplit start(Platform platform, Map<String, ProcessHandle> extra) {
        return new CpuSplit(platform, extra);
    }

    /**
     * The split since {@link #start}, one line, e.g. {@code task-service 84 %, postgres 62 %, …}. Counted
     * per process: one that started meanwhile counts in full, one that ended meanwhile is missed.
     */
    String end() {
        Map<Long, Sample> now = sample();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Map<String, Duration> used = new LinkedHashMap<>();
        platform.serviceProcesses().keySet().forEach(name -> used.put(name, Duration.ZERO));
        extra.keySet().forEach(name -> used.put(name, Duration.ZERO));
        used.put(POSTGRES, Duration.ZERO);
        used.put(LOAD, Duration.ZERO);
        now.forEach((pid, s) -> {
            Sample before = start.get(pid);
            used.merge(s.group(), before == null ? s.cpu() : s.cpu().minus(before.cpu()), Duration::plus);
        });
        return used.entrySet().stream()
                .map(e -> String.format("%s %.0f %%", e.getKey(), 100.0 * e.getValue().toMillis() / wallMs))
                .collect(Collectors.joining(", "));
    }

    private Map<Long, Sample> sample() {
        Map<Long, Sample> cpu = new LinkedHashMap<>();
        Map<Long, String> services = new LinkedHashMap<>();
        platform.serviceProcesses().forEach((name, p) -> services.put(p.pid(), name));
        extra.forEach((name, p) -> services.put(p.pid(), name));
        ProcessHandle.allProcesses().forEach(p -> {
            String group = services.get(p.pid());
            if (group == null && p.info().command().map(c -> c.endsWith(POSTGRES)).orElse(false)) {
                group = POSTGRES;
            }
            if (group != null) {
                cpu.put(p.pid(), new Sample(group, p.info().totalCpuDuration().orElse(Duration.ZERO)));
            }
        });
        ProcessHandle self = ProcessHandle.current();
        cpu.put(self.pid(), new Sample(LOAD, self.info().totalCpuDuration().orElse(Duration.ZERO)));
        return cpu;
    }
}
