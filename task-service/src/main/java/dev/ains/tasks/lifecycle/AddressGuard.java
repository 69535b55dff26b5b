package dev.ains.tasks.lifecycle;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Refuses outbound URLs that would let a caller reach the platform's own network (server-side request
 * forgery): every address the host resolves to must be public, unless configuration allows loopback
 * (local runs, tests) or private ranges (a deployment whose receivers live inside its network).
 */
public final class AddressGuard {
    /** Resolves a host name; the JDK's resolver in production, a fixed table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final Resolver resolver;

    public AddressGuard(boolean allowLoopback, boolean allowPrivate, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Null when the URL may be called, else why not (fit for an error message). */
    public String problem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "must name a host";
        }
        if (uri.getUserInfo() != null) {
            return "must not carry credentials";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(uri.getHost());
        } catch (UnknownHostException e) {
            return "host " + uri.getHost() + " does not resolve";
        }
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                return "resolves to " + a.getHostAddress() + ", " + why;
            }
        }
        return null;
    }

    private String refusal(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return allowLoopback ? null : "a loopback address";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "not a unicast address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address (cloud metadata lives there)";
        }
        boolean privateRange = a.isSiteLocalAddress() || carrierGrade(a) || uniqueLocal(a);
        if (privateRange) {
            return allowPrivate ? null : "a private address";
        }
        return null;
    }

    private static boolean carrierGrade(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    private static boolean uniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    public static AddressGuard jdk(boolean allowLoopback, boolean allowPrivate) {
        return new AddressGuard(allowLoopback, allowPrivate, InetAddress::getAllByName);
    }

    /** For tests: a resolver answering from a fixed table. */
    public static Resolver table(java.util.Map<String, List<String>> hosts) {
        return host -> {
            List<String> ips = hosts.get(host);
            if (ips == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[ips.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = InetAddress.getByName(ips.get(i));
            }
            return out;
        };
    }
}
