package io.fjord.it.durability;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A broker a test can stop cleanly and start again on the same data directory and port: in this JVM
 * ({@link EmbeddedBroker#restart()}) or as a separate process stopped with SIGTERM. Not thread-safe.
 */
interface RestartableBroker extends AutoCloseable {

    String bootstrap();

    InetSocketAddress address();

    /** Stops cleanly and starts again on the same data; returns how long the start took, in ms. */
    long restart() throws Exception;

    @Override
    void close() throws Exception;

    static RestartableBroker start(String kind, Path dataDir, Map<String, String> overrides) throws Exception {
        return switch (kind) {
            case "embedded" -> new Embedded(EmbeddedBroker.start(dataDir, overrides));
            case "process" -> {
                BrokerProcess process = new BrokerProcess(dataDir, overrides);
                process.start();
                yield new Process(process);
            }
            default -> throw new IllegalArgumentException("unknown broker kind " + kind);
        };
    }

    record Embedded(EmbeddedBroker broker) implements RestartableBroker {
        @Override
        public String bootstrap() {
            return broker.bootstrap();
        }

        @Override
        public InetSocketAddress address() {
            return broker.address();
        }

        @Override
        public long restart() {
            long startNs = System.nanoTime();
            broker.restart();
            return (System.nanoTime() - startNs) / 1_000_000;
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    record Process(BrokerProcess process) implements RestartableBroker {
        @Override
        public String bootstrap() {
            return process.bootstrap();
        }

        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", process.port());
        }

        @Override
        public long restart() throws Exception {
            int exitCode = process.stop();
            if (exitCode != 0 && exitCode != 143) {
                throw new AssertionError("broker exited with " + exitCode + " on SIGTERM");
            }
            long startNs = System.nanoTime();
            process.start();
            return (System.nanoTime() - startNs) / 1_000_000;
        }

        @Override
        public void close() throws Exception {
            process.close();
        }
    }
}
