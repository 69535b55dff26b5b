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

    /** The neighbour refused the request (4xx): retrying the same request would not help. */
    public static class Rejected extends RemoteCallException {
        public Rejected(String service, int status, Throwable cause) {
            super(service, status, cause);
        }
    }
}
