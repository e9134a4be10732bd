package io.fjord.cli;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code -b/--brokers} option of every command that talks to a cluster, mixed into each of them so it
 * may be given after the subcommand too ({@code fjord topic list -b host:9092}). Resolution order: this
 * command's option, the top command's option, the {@code FJORD_BROKERS} variable, {@code 127.0.0.1:9092}.
 */
final class ClientOptions {
    static final String DEFAULT_BROKERS = "127.0.0.1:9092";
    static final String BROKERS_VARIABLE = "FJORD_BROKERS";

    @Option(
            names = {"-b", "--brokers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Bootstrap brokers (default: $FJORD_BROKERS or " + DEFAULT_BROKERS + ").")
    String brokers;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The bootstrap servers this command connects to. */
    String bootstrap() {
        if (brokers != null && !brokers.isBlank()) {
            return brokers;
        }
        if (mixee != null && mixee.root().userObject() instanceof Fjord top && top.brokers != null) {
            return top.brokers;
        }
        return bootstrap(System.getenv());
    }

    // Visible for testing
    static String bootstrap(Map<String, String> env) {
        String fromEnv = env.get(BROKERS_VARIABLE);
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_BROKERS : fromEnv.trim();
    }

    /** A cluster connection for this command; the caller closes it. */
    Clients clients() {
        return new Clients(bootstrap());
    }
}
