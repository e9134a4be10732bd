package io.fjord.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        assertThat(packagedLibraries()).as("epoll libraries in %s", NATIVE_DIR).isNotEmpty();
        assertThat(sourcesNewerThanTheLastPackage())
                .as("bin/fjord would rebuild these first; package the cli module before this test")
                .isEmpty();

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(
                        ROOT.resolve("bin/fjord").toString(),
                        "start",
                        "--override",
                        "listeners=PLAINTEXT://127.0.0.1:" + port,
                        "--override",
                        "log.dirs=" + dir.resolve("data"))
                .redirectErrorStream(true);
        pb.environment().remove("FJORD_CLASSPATH");
        pb.environment().remove("FJORD_JAVA_OPTS");
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().put("FJORD_CDS", "0"); // leave cli/target's class-data archive as it is
        pb.environment()
                .put(
                        "PATH",
                        System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                                + System.getenv("PATH"));
        Process broker = pb.start();
        try {
            String started = awaitStarted(broker);
            assertThat(started).as("broker output").contains("Fjord started");

            // bin/fjord execs java, so the script's pid is the broker JVM's.
            List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(broker.pid()), "maps"));
            assertThat(maps)
                    .as("libraries mapped by the broker")
                    .anyMatch(line ->
                            line.endsWith(".so") && line.contains(NATIVE_DIR + "/libnetty_transport_native_epoll_"))
                    .noneMatch(line ->
                            line.contains("netty_transport_native_epoll") && !line.contains(NATIVE_DIR.toString()));
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<Path> packagedLibraries() throws IOException {
        if (!Files.isDirectory(NATIVE_DIR)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(NATIVE_DIR)) {
            return files.filter(f -> f.getFileName().toString().startsWith("libnetty_transport_native_epoll_"))
                    .toList();
        }
    }

    /**
     * What bin/fjord's own check finds: a pom or main source newer than the last package of the cli module, which
     * empties and refills cli/target/lib (bin/fjord would build first).
     */
    private static List<Path> sourcesNewerThanTheLastPackage() throws IOException {
        FileTime packaged = Files.getLastModifiedTime(ROOT.resolve("cli/target/lib"));
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f ->
                            !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
                    .filter(f -> f.getFileName().toString().equals("pom.xml")
                            || f.toString().contains("/src/main/"))
                    .filter(Files::isRegularFile)
                    .filter(f -> newerThan(f, packaged))
                    .toList();
        }
    }

    private static boolean newerThan(Path file, FileTime time) {
        try {
            return Files.getLastModifiedTime(file).compareTo(time) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The broker's output up to its "Fjord started" line, or all of it if it exits or takes over 60 s. */
    private static String awaitStarted(Process broker) throws Exception {
        CompletableFuture<String> started = new CompletableFuture<>();
        Thread pump = new Thread(
                () -> {
                    StringBuilder seen = new StringBuilder();
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            seen.append(line).append('\n');
                            if (line.startsWith("Fjord started")) {
                                started.complete(seen.toString());
                            }
                        }
                    } catch (IOException e) {
                        // the broker went away; report what it printed
                    }
                    started.complete(seen.toString());
                },
                "bin-fjord-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return started.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "no \"Fjord started\" line within 60 s";
        }
    }
}
