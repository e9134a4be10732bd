package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the real {@code bin/fjord} script as a process, on the test classpath so that it does not build. */
class BinFjordScriptTest {

    @Test
    void binFjordHelpPrintsUsageAndExitsZero() throws Exception {
        Path script = Path.of("..", "bin", "fjord").toAbsolutePath().normalize();
        assertThat(script).isExecutable();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--help").redirectErrorStream(true);
        pb.environment().put("FJORD_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment()
                .put(
                        "PATH",
                        System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                                + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: fjord").contains("start");
    }

    @Test
    void binFjordStartWithAnUnknownKeyPrintsOneLineAndExitsTwo() throws Exception {
        Path script = Path.of("..", "bin", "fjord").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "start", "--override", "no.such.key=1");
        pb.environment().put("FJORD_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment()
                .put(
                        "PATH",
                        System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                                + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr).isEqualTo("fjord: Unknown configuration no.such.key: not a Kafka broker configuration\n");
        assertThat(Files.exists(Path.of("data"))).isFalse();
    }

    @Test
    void binFjordAddsFjordOptsToTheDefaultJvmOptions() throws Exception {
        Path script = Path.of("..", "bin", "fjord").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--help").redirectErrorStream(true);
        pb.environment().put("FJORD_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("FJORD_JAVA_OPTS");
        pb.environment().put("FJORD_OPTS", "-XX:+PrintCommandLineFlags");
        pb.environment()
                .put(
                        "PATH",
                        System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                                + System.getenv("PATH"));
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
