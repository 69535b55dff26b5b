package dev.ains.kit.client;

/**
 * A call to a neighbouring service failed with a server error or no answer: worth retrying, and it
 * counts against the circuit breaker.
 */
public class RemoteCallException extends RuntimeException {
    private final int status;

    public RemoteCallException(String service, int status, Throwable cause) {
        super(service + " answered " + (status == 0 ? "nothing" : String.valueOf(status)), cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Turns a generated client's checked exception into the right runtime one by its status. */
    public static RemoteCallException of(String service, int status, Throwable cause) {
        return status >= 400 && status < 500 && status != 408 && status != 429
                ? new Rejected(service, status, cause) : new RemoteCallException(service, status, cause);
    }

    /**
     * The HTTP status behind a generated client's failure. Jersey's MicroProfile client wraps the
     * generated (checked) {@code ApiException} in a {@code WebApplicationException} 500, so the real
     * status is the innermost exception that carries a response.
     */
    public static int statusOf(Throwable failure) {
        int status = 0;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            try {
                Object r = t.getClass().getMethod("getResponse").invoke(t);
                if (r instanceof jakarta.ws.rs.core.Response response) {
                    status = response.getStatus();
                }
            } catch (ReflectiveOperationException ignored) {
                // not an exception with a response
            }
        }
        return status;
    }

    public static RemoteCallException from(String service, Throwable failure) {
        return of(service, statusOf(failure), failure);
    }

    /** A generated client's call: it may throw the generated, checked {@code ApiException}. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    /** A generated client's call without an answer worth keeping. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Makes a generated client's call, turning its failures (the checked {@code ApiException}, and the
     * {@code WebApplicationException} Jersey wraps it in) into a {@link RemoteCallException} by status;
     * other runtime failures (no connection, timeouts) pass as they are, for the fault-tolerance policy.
     */
    public static <T> T call(String service, Call<T> call) {
        try {
            return call.call();
        } catch (jakarta.ws.rs.WebApplicationException e) {
            throw from(service, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw from(service, e);
        }
    }

    public static void run(String service, Action action) {
        call(service, () -> {
            action.run();
            return null;
        });
    }

    /** The neighbour refused the request (4xx): retrying the same request would not help. */
    public static class Rejected extends RemoteCallException {
        public Rejected(String service, int status, Throwable cause) {
            super(service, status, cause);
        }
    }
}
