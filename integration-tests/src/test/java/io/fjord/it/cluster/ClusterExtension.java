package io.fjord.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link LocalCluster} for one test class: started before its first test in a fresh directory,
 * killed after its last. When a test failed the directory (every node's data and log) is kept and its
 * path printed, so the broker logs can be read. Register as a static field with
 * {@code @RegisterExtension}; used from the test thread only.
 */
final class ClusterExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final int size;
    private final Map<String, String> overrides;
    private Path dir;
    private LocalCluster cluster;
    private boolean failed;

    ClusterExtension(int size, Map<String, String> overrides) {
        this.size = size;
        this.overrides = overrides;
    }

    LocalCluster cluster() {
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory(
                "fjord-" + context.getRequiredTestClass().getSimpleName() + "-");
        long startNs = System.nanoTime();
        cluster = LocalCluster.start(dir, size, overrides);
        System.out.printf(
                "CLUSTER_START nodes=%d ms=%d dir=%s%n", size, (System.nanoTime() - startNs) / 1_000_000, dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        failed |= context.getExecutionException().isPresent();
        if (failed) {
            System.out.printf("CLUSTER_LOGS kept in %s (node-<id>.log)%n", dir);
        } else {
            deleteRecursively(dir);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failed |= context.getExecutionException().isPresent();
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
