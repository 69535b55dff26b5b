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

    /** The neighbour refused the request (4xx): retrying the same request would not help. */
    public static class Rejected extends RemoteCallException {
        public Rejected(String service, int status, Throwable cause) {
            super(service, status, cause);
        }
    }
}
