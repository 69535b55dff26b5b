package dev.ains.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.ains.client.tasks.ApiException;
import dev.ains.client.tasks.model.AttemptResult;
import dev.ains.client.tasks.model.AttemptResultOutcome;
import dev.ains.client.tasks.model.ResultBatch;

/**
 * An agent's outcomes, sent back in batches: whatever finished while one report was on its way goes in the
 * next ({@code POST /aitp/agents/{id}/results}, at most 100 a call), one report in flight at a time. A
 * report the platform did not answer is sent again, unchanged: each item names its attempt, so a repeat is
 * answered as before and changes nothing. {@code reported} hears how many outcomes each report carried
 * (an agent counts a worker as idle again then, when the platform has freed its slot too).
 *
 * <pre>{@code
 * ResultReporter reporter = ResultReporter.start(asAgent, agentId, n -> idle.release(n));
 * reporter.add(new AttemptResult().taskId(id).attemptNo(attempt).outcome(COMPLETED).result(out));
 * reporter.close(); // reports what is queued, then stops
 * }</pre>
 */
public final class ResultReporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ResultReporter.class.getName());
    private static final int MAX_BATCH = 100;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final BlockingQueue<AttemptResult> queue = new LinkedBlockingQueue<>();
    private final Ains asAgent;
    private final UUID agentId;
    private final IntConsumer reported;
    private volatile boolean stopping;
    private Thread thread;

    private ResultReporter(Ains asAgent, UUID agentId, IntConsumer reported) {
        this.asAgent = asAgent;
        this.agentId = agentId;
        this.reported = reported;
    }

    /** A reporter for the agent, running on a thread of its own. */
    public static ResultReporter start(Ains asAgent, UUID agentId, IntConsumer reported) {
        ResultReporter r = new ResultReporter(asAgent, agentId, reported);
        r.thread = Thread.ofPlatform().daemon().name("ains-results-" + agentId).start(r::run);
        return r;
    }

    public void add(AttemptResult r) {
        queue.add(r);
    }

    /** Reports what is queued (waiting at most 15 s for a platform that does not answer), then stops. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopping || !queue.isEmpty()) {
            try {
                AttemptResult first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<AttemptResult> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(List<AttemptResult> batch) throws InterruptedException {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                for (AttemptResultOutcome a : asAgent.agentWork()
                        .reportResults(agentId, new ResultBatch().items(batch)).getItems()) {
                    if (a.getStatus() != 200) {
                        LOG.warning(() -> "the result for task " + a.getTaskId() + " was refused: "
                                + (a.getProblem() == null ? a.getStatus() : a.getProblem().getDetail()));
                    }
                }
                break;
            } catch (ApiException e) {
                if (e.getCode() >= 400 && e.getCode() < 500) {
                    LOG.warning(() -> "a report of " + batch.size() + " results was refused: " + e.getResponseBody());
                    break;
                }
                if (stopping && backoff.compareTo(MAX_BACKOFF) >= 0) {
                    LOG.warning(() -> "giving up on " + batch.size() + " results at shutdown: " + e.getMessage());
                    break;
                }
                Duration wait = backoff;
                LOG.warning(() -> "reporting " + batch.size() + " results failed (" + e.getMessage() + "); again in "
                        + wait.toMillis() + " ms");
                Thread.sleep(wait);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        reported.accept(batch.size());
    }
}
