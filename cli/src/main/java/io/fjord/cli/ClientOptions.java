package io.fjord.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code -b/--brokers} option of every command that talks to a cluster, mixed into each of them so it
 * may be given after the subcommand too ({@code fjord topic list -b host:9092}). Resolution order: this
 * command's option, the top command's option, the {@code FJORD_BROKERS} variable, {@code 127.0.0.1:9092}.
 * Client settings (a SASL login, timeouts) come from {@code --command-config FILE} (Kafka tools' option) and
 * {@code -X KEY=VALUE} (kcat's), which wins.
 */
final class ClientOptions {
    static final String DEFAULT_BROKERS = "127.0.0.1:9092";
    static final String BROKERS_VARIABLE = "FJORD_BROKERS";

    @Option(
            names = {"-b", "--brokers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Bootstrap brokers (default: $FJORD_BROKERS or " + DEFAULT_BROKERS + ").")
    String brokers;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Client properties file (e.g. security.protocol, sasl.mechanism, sasl.jaas.config).")
    Path commandConfig;

    @Option(
            names = {"-X", "--client-property"},
            paramLabel = "KEY=VALUE",
            description = "A client property; repeatable; wins over --command-config.")
    List<String> clientProperties = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The bootstrap servers this command connects to. */
    String bootstrap() {
        String named = namedBootstrap();
        return named != null ? named : bootstrap(System.getenv());
    }

    /** The bootstrap given by this command's or the top command's option, else null. */
    private String namedBootstrap() {
        if (brokers != null && !brokers.isBlank()) {
            return brokers;
        }
        if (mixee != null && mixee.root().userObject() instanceof Fjord top && top.brokers != null) {
            return top.brokers;
        }
        return null;
    }

    // Visible for testing
    static String bootstrap(Map<String, String> env) {
        String fromEnv = env.get(BROKERS_VARIABLE);
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_BROKERS : fromEnv.trim();
    }

    /** A cluster connection for this command; the caller closes it. */
    Clients clients() {
        Properties settings = overrides();
        // -b (or FJORD_BROKERS) wins over a bootstrap.servers in the settings, which wins over the default.
        String fromSettings = (String) settings.remove("bootstrap.servers");
        String env = System.getenv(BROKERS_VARIABLE);
        String bootstrap = namedBootstrap() != null || (env != null && !env.isBlank()) || fromSettings == null
                ? bootstrap()
                : fromSettings;
        return new Clients(bootstrap, settings);
    }

    /** The client properties of {@code --command-config}, then {@code -X}. */
    Properties overrides() {
        Properties props = new Properties();
        if (commandConfig != null) {
            try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new CliException("cannot read " + commandConfig + ": " + e.getMessage());
            }
        }
        for (String entry : clientProperties) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new CliException(Fjord.EXIT_USAGE, "-X takes KEY=VALUE, got " + entry);
            }
            props.setProperty(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        return props;
    }
}
