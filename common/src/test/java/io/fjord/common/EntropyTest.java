package io.fjord.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntropyTest {

    @Test
    void readsEachDrawFromItsSource(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("urandom");
        Files.write(source, ByteBuffer.allocate(8).putLong(0x1122334455667788L).array());

        assertThat(new Entropy(source).nextLong()).isEqualTo(0x1122334455667788L);
    }

    @Test
    void fallsBackToTheJdksGeneratorWithoutTheDevice(@TempDir Path dir) {
        Entropy entropy = new Entropy(dir.resolve("no-such-device"));

        Set<Long> draws = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            draws.add(entropy.nextLong());
        }
        assertThat(draws).hasSize(4);
    }

    @Test
    void fallsBackWhenTheSourceIsShort(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("short");
        Files.write(source, new byte[3]);
        Entropy entropy = new Entropy(source);

        assertThat(Set.of(entropy.nextLong(), entropy.nextLong())).hasSize(2);
    }

    @Test
    void systemDrawsDiffer() {
        assertThat(Set.of(Entropy.SYSTEM.nextLong(), Entropy.SYSTEM.nextLong(), Entropy.SYSTEM.nextLong()))
                .hasSize(3);
    }
}
