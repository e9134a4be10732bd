package io.fjord.cli;

import io.fjord.common.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fjord} command: {@code start}, and the client commands {@code topic}, {@code produce},
 * {@code consume}, {@code group}, {@code cluster} (built on the official client's public Admin, Producer and
 * Consumer API, so they work against any Kafka-compatible cluster) and {@code completion}. Exit codes: 0
 * success, 1 runtime failure, 2 bad usage or configuration; a failure is one line {@code fjord: <message>} on
 * stderr.
 */
@Command(
        name = "fjord",
        mixinStandardHelpOptions = true,
        versionProvider = Fjord.VersionProvider.class,
        description = "A Kafka-compatible streaming platform.")
public final class Fjord implements Runnable {

    /** Exit code of a bad command line or configuration (picocli's usage-error code too). */
    public static final int EXIT_USAGE = 2;

    /** Exit code of a failure while running (the broker could not start). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code -b} given before the subcommand; read by {@link ClientOptions}. */
    @CommandLine.Option(
            names = {"-b", "--brokers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Bootstrap brokers for the client commands (default: $FJORD_BROKERS or "
                    + ClientOptions.DEFAULT_BROKERS + ").")
    String brokers;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(args, new ServerBrokerLauncher(), ProcessControl.JVM, Time.SYSTEM, out, err));
    }

    /**
     * Runs the command {@code args} name and returns its exit status: a plain {@code start} directly (see
     * {@link StartCommand#parsePlain}), everything else through picocli with only the named subcommand modelled.
     */
    static int execute(
            String[] args,
            BrokerLauncher launcher,
            ProcessControl process,
            Time time,
            PrintWriter out,
            PrintWriter err) {
        StartCommand start = new StartCommand(launcher, process, time);
        if (start.parsePlain(args)) {
            return start.run(out, err);
        }
        String only = args.length > 0 ? args[0] : null;
        return CommandTree.commandLine(launcher, process, time, out, err, only).execute(args);
    }

    /** Reads the version that the build wrote into {@code version.properties}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Fjord.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"fjord " + p.getProperty("version", "unknown")};
        }
    }
}
