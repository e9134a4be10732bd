package io.fjord.raft;

import io.fjord.common.Time;
import io.fjord.common.Uuid;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle TCP connections from the active controller to the client listener of each broker it is told to
 * watch, so that a broker process that dies is noticed within milliseconds instead of a heartbeat
 * interval: the kernel closes a killed process's sockets, the watch's read sees end-of-stream (or a
 * reset), and the broker is reported lost. Only a watch that was connected reports: a connect that fails
 * is tried again a second later and says nothing, since a broker may register before its listener
 * accepts (brokers never watched are left to the caller's other checks). What a report means is the
 * caller's to decide ({@link BrokerSessions} probes the broker and fences it only if that connect is
 * refused, and only if the broker has not heartbeated meanwhile).
 *
 * <p>A watch sends nothing, and a Kafka broker sends nothing unasked, so it costs one idle connection per
 * broker. A broker closing it (its {@code connections.max.idle.ms}) is reported like a death, which the
 * probe then rules out; a broker is reconnected at most once per {@link #MIN_REOPEN_NS}, so a broker that
 * keeps closing watches cannot make this loop spin. At most {@link #MAX_WATCHES} brokers are watched; any
 * others are left to heartbeats and the session timeout.
 *
 * <p>Threading: one daemon thread ({@code fjord-broker-watch}) owns the selector and every connection.
 * {@link #watch} may be called from any thread: it publishes the set wanted, which the thread applies at
 * its next turn. {@code onLost} runs on the watch thread and must not block. A listener's host name is
 * resolved on that thread when its watch opens (the JDK caches lookups, failed ones for 10 s by default),
 * so a slow name server holds up the thread, and other brokers' reports, for as long as a lookup takes.
 */
final class ListenerWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ListenerWatch.class);

    /** The shortest time between two connections to one broker. */
    static final long MIN_REOPEN_NS = TimeUnit.SECONDS.toNanos(1);

    static final int MAX_WATCHES = 1000;

    /** How long the thread sleeps when nothing happens (a closed watch is reopened by the next turn). */
    private static final long SELECT_TIMEOUT_MS = 250;

    /** A broker to watch: its id and incarnation (a re-registration is a new watch) and its listener. */
    record Target(int brokerId, Uuid incarnationId, String host, int port) {}

    private final Time time;
    private final Consumer<Target> onLost;
    private final Selector selector;
    private final Thread thread;
    /** Discards whatever a watched listener sends; a broker sends nothing unasked. */
    private final ByteBuffer sink = ByteBuffer.allocate(256);

    private volatile Map<Integer, Target> wanted = Map.of();
    private volatile boolean closed;

    // Owned by the watch thread.
    private final Map<Integer, SelectionKey> watches = new HashMap<>();
    private final Map<Integer, Long> lastOpenNs = new HashMap<>();

    ListenerWatch(Time time, Consumer<Target> onLost) throws IOException {
        this.time = time;
        this.onLost = onLost;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "fjord-broker-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches exactly these brokers (keyed by id) from the watch thread's next turn on. */
    void watch(Map<Integer, Target> targets) {
        if (!targets.equals(wanted)) {
            wanted = Map.copyOf(targets);
            selector.wakeup();
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closed) {
                reconcile();
                selector.select(SELECT_TIMEOUT_MS);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    try {
                        onReady(key);
                    } catch (RuntimeException e) {
                        log.warn(
                                "Broker {}'s watch failed; reopened in a second",
                                targetOf(key).brokerId(),
                                e);
                        drop(key);
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            log.warn("Broker listener watch stopped; brokers are fenced by heartbeats alone", e);
        } catch (RuntimeException e) {
            log.error("Broker listener watch failed; brokers are fenced by heartbeats alone", e);
        } finally {
            for (SelectionKey key : watches.values()) {
                closeQuietly(key);
            }
            watches.clear();
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("Closing the broker watch selector failed", e);
            }
        }
    }

    /** Closes the watches no longer wanted (or wanted at another address) and opens the missing ones. */
    private void reconcile() {
        Map<Integer, Target> targets = wanted;
        Iterator<Map.Entry<Integer, SelectionKey>> open = watches.entrySet().iterator();
        while (open.hasNext()) {
            SelectionKey key = open.next().getValue();
            Target target = targetOf(key);
            if (!target.equals(targets.get(target.brokerId()))) {
                closeQuietly(key);
                open.remove();
            }
        }
        lastOpenNs.keySet().retainAll(targets.keySet());
        long nowNs = time.nanoseconds();
        for (Target target : targets.values()) {
            if (watches.size() >= MAX_WATCHES) {
                return;
            }
            Long openedNs = lastOpenNs.get(target.brokerId());
            if (!watches.containsKey(target.brokerId()) && (openedNs == null || nowNs - openedNs >= MIN_REOPEN_NS)) {
                lastOpenNs.put(target.brokerId(), nowNs);
                try {
                    open(target);
                } catch (RuntimeException e) {
                    log.warn("Cannot watch broker {}; tried again in a second", target.brokerId(), e);
                }
            }
        }
    }

    private void open(Target target) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            boolean connected = channel.connect(new InetSocketAddress(target.host(), target.port()));
            SelectionKey key =
                    channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, target);
            watches.put(target.brokerId(), key);
        } catch (IOException | UnresolvedAddressException e) {
            closeQuietly(channel); // refused, unreachable or unresolvable: tried again in a second
            log.debug("Cannot watch broker {} at {}:{}: {}", target.brokerId(), target.host(), target.port(), e);
        }
    }

    private void onReady(SelectionKey key) {
        Target target = targetOf(key);
        SocketChannel channel = (SocketChannel) key.channel();
        boolean connected = channel.isConnected();
        try {
            if (key.isConnectable()) {
                if (channel.finishConnect()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                sink.clear();
                if (channel.read(sink) < 0) {
                    drop(key);
                    lost(target);
                }
            }
        } catch (IOException e) {
            // A reset of an open watch is how a dead peer often shows; a failed connect is retried in a second.
            drop(key);
            if (connected) {
                lost(target);
            }
        }
    }

    private void drop(SelectionKey key) {
        watches.remove(targetOf(key).brokerId(), key);
        closeQuietly(key);
    }

    private static Target targetOf(SelectionKey key) {
        return (Target) key.attachment();
    }

    private void lost(Target target) {
        try {
            onLost.accept(target);
        } catch (RuntimeException e) {
            log.warn("Handling the loss of broker {}'s watch failed", target.brokerId(), e);
        }
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        closeQuietly(key.channel());
    }

    private static void closeQuietly(Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing a broker watch failed", e);
        }
    }
}
