package io.fjord.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.admin.SaslPlainIT;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fjord commands against a broker that wants a SASL login: the client settings come from --command-config or -X. */
class SaslCliIT {

    @TempDir
    Path dir;

    @Test
    void commandsLogInWithCommandConfigOrX() throws Exception {
        int saslPort = BrokerProcess.freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(data, SaslPlainIT.settings(saslPort, BrokerProcess.freePort()))) {
            Path config = work.resolve("alice.properties");
            Files.writeString(
                    config,
                    "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                            + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"alice\" password=\"alice-secret\";\n");
            Cli cli = new Cli(work, "127.0.0.1:" + saslPort);

            Cli.Result created =
                    cli.run("topic", "create", "guarded", "-p", "2", "--command-config", config.toString());
            assertThat(created.exitCode()).as(created.toString()).isZero();
            Cli.Result produced = cli.runWithInput(
                    "k1:one\nk2:two\n",
                    "produce",
                    "guarded",
                    "--key-separator",
                    ":",
                    "--command-config",
                    config.toString());
            assertThat(produced.exitCode()).as(produced.toString()).isZero();
            Cli.Result consumed = cli.run(
                    "consume",
                    "guarded",
                    "--exit-at-end",
                    "-X",
                    "security.protocol=SASL_PLAINTEXT",
                    "-X",
                    "sasl.mechanism=PLAIN",
                    "-X",
                    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"alice\" password=\"alice-secret\";");
            assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
            assertThat(consumed.outLines()).containsExactlyInAnyOrder("k1\tone", "k2\ttwo");

            Cli.Result refused = cli.run(
                    "topic",
                    "list",
                    "--command-config",
                    config.toString(),
                    "-X",
                    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"alice\" password=\"wrong\";");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err().lines().toList()).as("one line").hasSize(1).allSatisfy(line -> assertThat(line)
                    .contains("Invalid username or password"));
            assertThat(cli.run("topic", "list", "-X", "nonsense").exitCode()).isEqualTo(2);
        }
    }
}
