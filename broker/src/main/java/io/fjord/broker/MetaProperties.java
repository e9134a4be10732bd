package io.fjord.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
            props.setProperty("version", "1");
            props.setProperty("cluster.id", clusterId);
            props.setProperty("node.id", Integer.toString(nodeId));
            Path tmp = dir.resolve(FILE_NAME + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "Written by Fjord on first start. Do not edit.");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return clusterId;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
