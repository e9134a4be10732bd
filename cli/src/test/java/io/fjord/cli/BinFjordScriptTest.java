package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the real {@code bin/fjord} script as a process, on the test classpath so that it does not build. */
class BinFjordScriptTest {

    private static final Path SCRIPT =
            Path.of("..", "bin", "fjord").toAbsolutePath().normalize();

    /** bin/fjord with {@code args}, on this test's class path (no build) and this test's JDK. */
    private static ProcessBuilder binFjord(String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("FJORD_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment()
                .put(
                        "PATH",
                        System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                                + System.getenv("PATH"));
        return pb;
    }

    @Test
    void binFjordHelpPrintsUsageAndExitsZero() throws Exception {
        assertThat(SCRIPT).isExecutable();
        Process p = binFjord("--help").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: fjord").contains("start");
    }

    @Test
    void binFjordStartWithAnUnknownKeyPrintsOneLineAndExitsTwo() throws Exception {
        Process p = binFjord("start", "--override", "no.such.key=1").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr).isEqualTo("fjord: Unknown configuration no.such.key: not a Kafka broker configuration\n");
        assertThat(Files.exists(Path.of("data"))).isFalse();
    }

    @Test
    void binFjordAddsFjordOptsToTheDefaultJvmOptions() throws Exception {
        ProcessBuilder pb = binFjord("--help").redirectErrorStream(true);
        pb.environment().remove("FJORD_JAVA_OPTS");
        pb.environment().put("FJORD_OPTS", "-XX:+PrintCommandLineFlags");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        // The JVM printed its flags (FJORD_OPTS reached it), and the client defaults of config/jvm.options are kept.
        assertThat(output)
                .contains("-XX:+PrintCommandLineFlags")
                .contains("-XX:+UseSerialGC")
                .contains("-XX:TieredStopAtLevel=1")
                .contains("Usage: fjord");
    }
}
