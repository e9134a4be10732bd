package io.fjord.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers a test starts later, taken below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}). A port the kernel offers for {@code new ServerSocket(0)} comes
 * from that range, and so does the local port of every outgoing connection: a node that connects to its peers before
 * the last of them has bound could take that peer's port ("Address already in use"). Below the range, only another
 * listener can. Each port is handed out once per JVM. Thread-safe.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private FreePorts() {}

    /** A port nothing listens on now, outside the ephemeral range, not handed out before. */
    public static int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int port = EPHEMERAL_LOW > LOWEST + 1_000 ? random.nextInt(LOWEST, EPHEMERAL_LOW) : 0;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port below " + EPHEMERAL_LOW);
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default; elsewhere the kernel's own choice is used below if this is wrong
        }
    }
}
