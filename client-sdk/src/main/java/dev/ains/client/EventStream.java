package dev.ains.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A subscription to an AINS Server-Sent Events stream ({@code /aitp/events} or an agent's
 * {@code /aitp/agents/{id}/events}). Events go to the handler in order on one background thread; when
 * the connection drops, it reconnects (with growing pauses, up to 10 s) sending {@code Last-Event-ID},
 * so the server replays what was missed. Close it to stop.
 */
public final class EventStream implements AutoCloseable {
    /** One event: {@code id} (the resume position), {@code type} (e.g. task.completed), {@code data} (Event JSON). */
    public record Event(String id, String type, String data) {
    }

    private final HttpClient http;
    private final URI uri;
    private final Consumer<HttpRequest.Builder> auth;
    private final Consumer<Event> handler;
    private final Consumer<Throwable> onError;
    private final Thread thread;
    private volatile boolean open = true;
    private volatile String lastEventId;
    private volatile InputStream body;
    private volatile boolean connected;

    EventStream(HttpClient http, URI uri, Consumer<HttpRequest.Builder> auth, String lastEventId,
                Consumer<Event> handler, Consumer<Throwable> onError) {
        this.http = http;
        this.uri = uri;
        this.auth = auth;
        this.handler = handler;
        this.onError = onError;
        this.lastEventId = lastEventId;
        this.thread = Thread.ofPlatform().daemon().name("ains-events").start(this::run);
    }

    /** The id of the last event handed to the handler (give it to a new stream to resume). */
    public String lastEventId() {
        return lastEventId;
    }

    /** True while a connection is up (false between a drop and the reconnect). */
    public boolean connected() {
        return connected;
    }

    private void run() {
        long pauseMs = 100;
        while (open) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
                if (lastEventId != null) {
                    b.header("Last-Event-ID", lastEventId);
                }
                auth.accept(b);
                HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                body = r.body();
                if (r.statusCode() != 200) {
                    String problem = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                    throw new IOException("event stream answered " + r.statusCode() + ": " + problem);
                }
                connected = true;
                pauseMs = 100;
                read(new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                if (open && onError != null) {
                    onError.accept(e);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                connected = false;
            }
            if (open) {
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    return;
                }
                pauseMs = Math.min(10_000, pauseMs * 2);
            }
        }
    }

    private void read(BufferedReader in) throws IOException {
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        String line;
        while (open && (line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    handler.accept(new Event(id, type == null ? "message" : type, data.toString()));
                }
                id = null;
                type = null;
                data.setLength(0);
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
                    default -> { }
                }
            }
        }
    }

    @Override
    public void close() {
        open = false;
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }

    static Duration connectTimeout() {
        return Duration.ofSeconds(5);
    }
}
