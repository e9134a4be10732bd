package io.fjord.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * {@code meta.properties} in the metadata directory, as in Kafka: the cluster id, chosen on first start,
 * and the node id, which must not change afterwards (a data directory belongs to one node).
 */
final class MetaProperties {

    static final String FILE_NAME = "meta.properties";

    private MetaProperties() {}

    /** The cluster id recorded in {@code dir}, creating the file with a new id on first start. */
    /** The cluster id recorded in {@code dir}, creating the file with {@code newClusterId} on first start. */
    static String loadOrCreate(Path dir, int nodeId, Supplier<String> newClusterId) {
        Path file = dir.resolve(FILE_NAME);
        Properties props = new Properties();
        try {
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    props.load(in);
                }
                String recordedNode = props.getProperty("node.id");
                if (recordedNode != null && !recordedNode.equals(Integer.toString(nodeId))) {
                    throw new IllegalStateException("the data in " + dir + " belongs to node.id " + recordedNode
                            + ", but this broker has node.id " + nodeId);
                }
                String clusterId = props.getProperty("cluster.id");
                if (clusterId == null || clusterId.isBlank()) {
                    throw new IllegalStateException(file + " has no cluster.id");
                }
                return clusterId;
            }
            String clusterId = newClusterId.get();
            if (!clusterId.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalStateException("a cluster id is base64url text, got: " + clusterId);
            }
            // Written as text rather than with Properties.store, whose date comment loads the time-zone and
            // calendar classes: about 18 ms of a first start (wall-clock profile). The values need no escaping.
            String text = "#Written by Fjord on first start. Do not edit.\n"
                    + "version=1\n"
                    + "cluster.id=" + clusterId + "\n"
                    + "node.id=" + nodeId + "\n";
            Path tmp = dir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return clusterId;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
