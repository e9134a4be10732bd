package io.fjord.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/fjord start}, on the jars the cli build packaged (this module runs after it in {@code mvn
 * verify}): the build unpacks Netty's epoll library to {@code cli/target/native}, and the broker bin/fjord starts
 * maps it from there instead of copying it out of its jar into a temporary file at every start. Linux only, as the
 * library is.
 */
@EnabledOnOs(OS.LINUX)
class BinFjordNativeLibraryIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NATIVE_DIR = ROOT.resolve("cli/target/native");

    @TempDir
    Path dir;

    @Test
    void theBrokerBinFjordStartsLoadsNettysEpollLibraryFromTheUnpackedDirectory() throws Exception {
        try (Stream<Path> files = Files.list(NATIVE_DIR)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("what the cli build unpacked to %s", NATIVE_DIR)
                    .anyMatch(name -> name.startsWith("libnetty_transport_native_epoll_") && name.endsWith(".so"));
        }
        BrokerProcess broker = BrokerProcess.binFjord(ROOT.resolve("bin/fjord"), dir.resolve("data"), env -> {
            env.remove("FJORD_CLASSPATH");
            env.remove("FJORD_JAVA_OPTS");
            env.remove("LD_LIBRARY_PATH");
            env.put("FJORD_BUILD", "0"); // stale jars fail the start (see its log) rather than build in this build
            env.put("FJORD_CDS", "0"); // leave cli/target's class-data archive as it is
            env.put(
                    "PATH",
                    System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                            + System.getenv("PATH"));
        });
        try (broker) {
            broker.start();

            // bin/fjord execs java, so the script's pid is the broker JVM's.
            List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(broker.pid()), "maps"));
            assertThat(maps)
                    .as("libraries mapped by the broker")
                    .anyMatch(line ->
                            line.endsWith(".so") && line.contains(NATIVE_DIR + "/libnetty_transport_native_epoll_"))
                    .noneMatch(line ->
                            line.contains("netty_transport_native_epoll") && !line.contains(NATIVE_DIR.toString()));
            broker.stop();
        }
    }
}
