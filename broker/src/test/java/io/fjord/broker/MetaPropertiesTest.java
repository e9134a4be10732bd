package io.fjord.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {

    @Test
    void firstStartWritesThePropertiesKafkaWrites(@TempDir Path dir) throws Exception {
        String id = MetaProperties.loadOrCreate(dir, 3, () -> "MkU3OEVBNTcwNTJENDM2Qk");

        Properties written = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(MetaProperties.FILE_NAME))) {
            written.load(in);
        }
        assertThat(id).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
        assertThat(written)
                .containsEntry("version", "1")
                .containsEntry("cluster.id", "MkU3OEVBNTcwNTJENDM2Qk")
                .containsEntry("node.id", "3")
                .hasSize(3);
        assertThat(dir.resolve(MetaProperties.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void laterStartsKeepTheRecordedClusterId(@TempDir Path dir) {
        MetaProperties.loadOrCreate(dir, 1, () -> "first-id_0");

        assertThat(MetaProperties.loadOrCreate(dir, 1, () -> "second-id")).isEqualTo("first-id_0");
    }

    @Test
    void refusesTheDataOfAnotherNode(@TempDir Path dir) {
        MetaProperties.loadOrCreate(dir, 1, () -> "cluster");

        assertThatThrownBy(() -> MetaProperties.loadOrCreate(dir, 2, () -> "cluster"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to node.id 1")
                .hasMessageContaining("node.id 2");
    }

    @Test
    void refusesAClusterIdThatWouldNeedEscaping(@TempDir Path dir) {
        assertThatThrownBy(() -> MetaProperties.loadOrCreate(dir, 1, () -> "a=b"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a=b");
        assertThat(dir.resolve(MetaProperties.FILE_NAME)).doesNotExist();
    }
}
