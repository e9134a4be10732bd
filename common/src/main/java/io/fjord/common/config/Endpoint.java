package io.fjord.common.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One listener of a broker, written {@code NAME://host:port} in {@code listeners} and
 * {@code advertised.listeners} (IPv6 hosts in brackets: {@code PLAINTEXT://[::1]:9092}). An empty host
 * means every interface. Immutable.
 *
 * @param listenerName upper-case listener name, e.g. PLAINTEXT or CONTROLLER
 * @param host the host or address (without brackets); empty for every interface
 * @param port 0..65535; 0 binds an ephemeral port
 */
public record Endpoint(String listenerName, String host, int port) {

    private static final Pattern URI =
            Pattern.compile("^([a-zA-Z][a-zA-Z0-9_]*)://\\[?([0-9a-zA-Z\\-%._:]*?)\\]?:(-?[0-9]+)$");

    /** True when the host binds every interface, which clients cannot connect to. */
    public boolean isWildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** The connection string clients see, e.g. {@code 127.0.0.1:9092} or {@code [::1]:9092}. */
    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return listenerName + "://" + hostPort();
    }

    /**
     * Parses a comma-separated listener list; listener names must be unique.
     *
     * @throws ConfigException naming {@code key} for a malformed entry or a duplicate name
     */
    public static List<Endpoint> parseList(String key, List<String> entries) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : entries) {
            Endpoint endpoint = parse(key, entry);
            if (!names.add(endpoint.listenerName())) {
                throw new ConfigException(
                        key,
                        String.join(",", entries),
                        "Each listener must have a different name, " + endpoint.listenerName() + " is repeated");
            }
            endpoints.add(endpoint);
        }
        return List.copyOf(endpoints);
    }

    /** Parses one {@code NAME://host:port}; the name is upper-cased as Kafka does. */
    public static Endpoint parse(String key, String entry) {
        Matcher m = URI.matcher(entry.trim());
        if (!m.matches()) {
            throw new ConfigException(
                    key, entry, "Unable to parse " + entry + " to a broker endpoint (expected NAME://host:port)");
        }
        int port;
        try {
            port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, entry, "Port must be between 0 and 65535");
        }
        return new Endpoint(m.group(1).toUpperCase(Locale.ROOT), m.group(2), port);
    }
}
