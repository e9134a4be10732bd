package io.fjord.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FjordSystemTest {

    @TempDir
    Path dir;

    @Test
    void launchesTheCliLikeAUserWithLoopbackListenerAndFreshDataDir() throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("io/fjord/cli"));
        Files.write(classes.resolve("io/fjord/cli/Fjord.class"), new byte[] {0});
        Path classpathFile = dir.resolve("fjord.classpath");
        Files.writeString(classpathFile, classes + "\n");
        FjordSystem fjord = new FjordSystem(classpathFile, List.of("-Xmx2g"));

        List<String> command = fjord.prepare(dir.resolve("run"), 19092, dir.resolve("logs"));

        assertThat(fjord.unavailableReason()).isNull();
        assertThat(command)
                .containsSubsequence("-Xmx2g", "-cp", classes.toString(), "io.fjord.cli.Fjord", "start")
                .containsSubsequence(
                        "--override",
                        "listeners=PLAINTEXT://127.0.0.1:19092",
                        "--override",
                        "log.dirs=" + dir.resolve("run/data").toAbsolutePath());
        assertThat(dir.resolve("run/data")).isEmptyDirectory();
    }

    @Test
    void theFirstStartIsTheOneThatRecordsTheArchiveUntilAFjordJarIsNewer() throws Exception {
        Path jar = dir.resolve("fjord-broker-1.0.jar");
        Files.write(jar, new byte[] {0});
        Path classpathFile = dir.resolve("fjord.classpath");
        Files.writeString(classpathFile, jar + "\n");
        Path archive = dir.resolve("fjord-server.jsa");
        FjordSystem fjord = new FjordSystem(classpathFile, List.of());

        assertThat(fjord.nextStartIsFirst()).isTrue(); // no archive yet
        assertThat(fjord.prepare(dir.resolve("run"), 19092, dir.resolve("logs")))
                .contains("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());

        Files.write(archive, new byte[] {1});
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() - 60_000));
        assertThat(fjord.nextStartIsFirst()).isFalse();
        assertThat(fjord.prepare(dir.resolve("run"), 19092, dir.resolve("logs")))
                .contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath());

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 60_000));
        assertThat(fjord.nextStartIsFirst()).isTrue(); // rebuilt since: recorded again

        // Options that choose an archive themselves are left alone, and nothing is recorded.
        assertThat(new FjordSystem(classpathFile, List.of("-XX:SharedArchiveFile=/elsewhere.jsa")).nextStartIsFirst())
                .isFalse();
    }

    @Test
    void saysWhyItCannotRunWhileTheCliIsNotBuilt() throws Exception {
        Path classpathFile = dir.resolve("fjord.classpath");
        Files.writeString(classpathFile, dir.resolve("empty-classes") + "\n");

        assertThat(new FjordSystem(classpathFile, List.of()).unavailableReason())
                .contains("not built yet");
        assertThat(new FjordSystem(dir.resolve("missing"), List.of()).unavailableReason())
                .contains("no Fjord classpath file");
    }
}
